import { randomUUID } from 'node:crypto';

/**
 * Route 53's error envelope: `<ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error>
 * <RequestId/></ErrorResponse>`, with the codes and HTTP statuses of botocore's model.
 * InvalidChangeBatch lists every message in one `<Message>[a, b]</Message>`, as Route 53 does.
 */
export class Route53Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function invalidChangeBatch(messages: readonly string[]): Route53Error {
  return new Route53Error(400, 'InvalidChangeBatch', `[${messages.join(', ')}]`);
}

export function noSuchHostedZone(id: string): Route53Error {
  return new Route53Error(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${id}`);
}

export function invalidInput(message: string): Route53Error {
  return new Route53Error(400, 'InvalidInput', message);
}

function escapeText(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

export function errorXml(code: string, message: string, requestId: string = randomUUID()): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>` +
    `<Code>${escapeText(code)}</Code><Message>${escapeText(message)}</Message></Error>` +
    `<RequestId>${escapeText(requestId)}</RequestId></ErrorResponse>`
  );
}
