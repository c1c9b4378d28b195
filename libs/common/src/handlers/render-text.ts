/**
 * The text render of any JSON render: nested keys flattened into `path=value` pairs,
 * space-separated (`1m.count=3 1m.total=6.5 …`); arrays stay JSON. One line per Tab
 * when prefixed with `name: `.
 */
export function renderText(json: unknown): string {
  const pairs: string[] = [];
  flatten(json, '', pairs);
  return pairs.join(' ');
}

function flatten(value: unknown, path: string, pairs: string[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && path !== '') pairs.push(`${path}={}`);
    for (const [key, inner] of entries) flatten(inner, path === '' ? key : `${path}.${key}`, pairs);
    return;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  pairs.push(path === '' ? text : `${path}=${text}`);
}
