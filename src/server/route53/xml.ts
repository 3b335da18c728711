import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Route53Error } from './errors';

/**
 * Route 53's XML, both ways. In: fast-xml-parser with no DOCTYPE at all (so no external entities
 * and no entity expansion: only the five predefined entities and character references), list
 * elements always arrays, every value a string; the caller checks the shape element by element.
 * Out: a tiny builder that escapes text and keeps element order as Route 53 writes it.
 */

export const R53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** List members by name, with the list element they must sit in (`Tag` in `Tags`, …). */
const LIST_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  Change: ['Changes'],
  ResourceRecord: ['ResourceRecords'],
  Tag: ['AddTags', 'Tags'],
  Key: ['RemoveTagKeys'],
  ResourceId: ['ResourceIds'],
  ChildHealthCheck: ['ChildHealthChecks'],
  Region: ['Regions'],
  ResettableElementName: ['ResetElements'],
  NameServer: ['NameServers'],
};

function isListMember(name: string, jpath: string): boolean {
  const parents = LIST_MEMBERS[name];
  return parents?.some((p) => jpath.endsWith(`${p}.${name}`)) ?? false;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name, jpath) => isListMember(name, String(jpath)),
});

export type XmlNode = string | XmlObject | XmlNode[];
export interface XmlObject {
  [key: string]: XmlNode;
}

/** Parse a request body whose root must be `root`; InvalidInput for anything else. */
export function parseXmlBody(body: Buffer | string | undefined, root: string): XmlObject {
  const text = (typeof body === 'string' ? body : (body?.toString('utf8') ?? '')).trim();
  if (text === '') throw new Route53Error(400, 'InvalidInput', `the request needs a ${root} body`);
  // No DTDs: this refuses external entities and entity expansion ("billion laughs") outright.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new Route53Error(400, 'InvalidInput', 'DOCTYPE and ENTITY declarations are not allowed');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new Route53Error(
      400,
      'InvalidInput',
      `malformed XML at line ${valid.err.line}: ${valid.err.msg}`,
    );
  }
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Route53Error(
      400,
      'InvalidInput',
      `malformed XML: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] !== root) {
    throw new Route53Error(
      400,
      'InvalidInput',
      `the body's root element must be ${root}, not ${keys.join(', ') || 'empty'}`,
    );
  }
  const value = doc[root];
  return typeof value === 'object' && value !== null ? (value as XmlObject) : {};
}

/** Refuse elements a shape does not have (named with their path), as Route 53 does. */
export function onlyElements(node: XmlObject, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key)) {
      throw new Route53Error(
        400,
        'InvalidInput',
        `unknown element ${path ? `${path}.` : ''}${key} (expected one of ${allowed.join(', ')})`,
      );
    }
  }
}

export function child(node: XmlObject, name: string): XmlObject | undefined {
  const v = node[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v === '' ? {} : undefined;
  if (Array.isArray(v)) return undefined;
  return v;
}

/** A text child (undefined when absent); an element where text was expected is InvalidInput. */
export function text(node: XmlObject, name: string, path: string): string | undefined {
  const v = node[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') {
    throw new Route53Error(400, 'InvalidInput', `${path}${name} must be text`);
  }
  return v;
}

/** The members of a list element `<Outer><Member/>…</Outer>`. */
export function members(node: XmlObject | undefined, member: string, path: string): XmlNode[] {
  if (node === undefined) return [];
  onlyElements(node, [member], path);
  const v = node[member];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** One element: text is escaped, arrays of children concatenated, undefined/null omitted. */
export type XmlOut = string | number | boolean | XmlChild[] | null | undefined;
export type XmlChild = string; // an already-built element

export function el(name: string, content: XmlOut): string {
  if (content === undefined || content === null) return '';
  if (Array.isArray(content)) return `<${name}>${content.join('')}</${name}>`;
  return `<${name}>${escapeXml(String(content))}</${name}>`;
}

/** The whole response document. */
export function doc(root: string, children: XmlChild[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${R53_NS}">${children.join('')}</${root}>`;
}
