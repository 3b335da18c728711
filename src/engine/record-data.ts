import { parseIpAddress } from './client-subnet';

/**
 * Compare record data written by different hands: Route 53's stored values (what TestDNSAnswer
 * returns) and a DNS server's answer in presentation form. They differ in spelling only: a name
 * with or without its trailing dot, upper or lower case, an IPv6 address long or short.
 */

/** Split presentation text into words, keeping each quoted string (with its quotes) as one. */
function words(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    const ch = value.charAt(i);
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    let word = '';
    if (ch === '"') {
      word = '"';
      i++;
      while (i < value.length && value.charAt(i) !== '"') {
        if (value.charAt(i) === '\\' && i + 1 < value.length) {
          word += value.slice(i, i + 2);
          i += 2;
          continue;
        }
        word += value.charAt(i);
        i++;
      }
      word += '"';
      i++;
    } else {
      while (i < value.length && !/\s/.test(value.charAt(i))) {
        word += value.charAt(i);
        i++;
      }
    }
    out.push(word);
  }
  return out;
}

/**
 * One value in a canonical spelling: unquoted words lower case without a trailing dot (the root
 * `.` stays), addresses in their canonical form; quoted strings as they are.
 */
export function canonicalRecordValue(value: string): string {
  return words(value)
    .map((w) => {
      if (w.startsWith('"')) return w;
      const ip = parseIpAddress(w);
      if (ip !== null) return ip.address;
      const lower = w.toLowerCase();
      return lower.length > 1 && lower.endsWith('.') ? lower.slice(0, -1) : lower;
    })
    .join(' ');
}

/** True when both lists hold the same values (in any order), spelling aside. */
export function sameRecordData(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = a.map(canonicalRecordValue).sort();
  const y = b.map(canonicalRecordValue).sort();
  return x.every((v, i) => v === y[i]);
}
