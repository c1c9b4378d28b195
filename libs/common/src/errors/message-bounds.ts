// Error messages name what was wrong, and what was wrong may be huge (a 100,000-character
// pattern): a message quotes an excerpt of an input, and a gRPC status's details are bounded
// as a whole, because they travel in an HTTP/2 trailer that a client refuses past its metadata
// limit (8 KiB by default in grpc-js), leaving the call to run into its deadline instead.

/** An input quoted in a message: at most `maxChars` of it, with its length when cut. */
export function excerpt(text: string, maxChars = 80): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, Math.max(0, maxChars - 1))}… (${text.length} characters)`;
}

/**
 * Status details as they are sent: printable ASCII takes one byte of the trailer, anything else
 * is percent-encoded (three per UTF-8 byte). Longer details are cut to fit `maxBytes`.
 */
export const MAX_STATUS_DETAILS_BYTES = 4096;

export function boundedStatusDetails(details: string, maxBytes = MAX_STATUS_DETAILS_BYTES): string {
  let bytes = 0;
  let end = 0;
  for (const char of details) {
    const code = char.codePointAt(0) ?? 0;
    const cost = code >= 0x20 && code <= 0x7e ? 1 : 3 * Buffer.byteLength(char, 'utf8');
    if (bytes + cost > maxBytes - 64) {
      return `${details.slice(0, end)}… (cut: ${details.length} characters in all)`;
    }
    bytes += cost;
    end += char.length;
  }
  return details;
}
