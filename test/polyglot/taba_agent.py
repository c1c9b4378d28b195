"""Posts and reads as Taba's Python agent and a script written for Taba's HTTP API do, with the
standard library only: the body is Taba's transport (protocol 1, several clients, each payload
JSON-encoded twice, as common/transport.py writes it), zlib-compressed whole and POSTed to
/post_zip; then a script asks /tabs and /names with re, in text (no Accept) and JSON.

usage: taba_agent.py <rest url> <token> <now epoch seconds>
Prints one JSON object: the post's status and answer, and the reads' status, type and body.
"""

import json
import sys
import time
import urllib.error
import urllib.request
import zlib


def encode(clients):
    """Taba's protocol 1: version, then per client its ID and per name its event lines."""
    lines = ['1', '']
    for client_id, names in clients:
        lines += [client_id, '']
        for name, events in names:
            lines.append(name)
            for tab_type, timestamp, value in events:
                lines.append(json.dumps([tab_type, timestamp, json.dumps(value)]))
            lines.append('')
        lines.append('')
    lines.append('')
    return '\n'.join(lines).encode('utf-8')


def call(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get('content-type'), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get('content-type'), error.read()


def main():
    base, token, now = sys.argv[1], sys.argv[2], float(sys.argv[3])
    body = encode([
        ('py-agent-1', [
            ('agent.requests', [('CounterGroup', now + 0.25, 6), ('CounterGroup', now + 0.5, 6)]),
            ('agent.version', [('Gauge', now, '0.3.5')]),
        ]),
        ('py-agent-2', [
            ('agent.requests', [('CounterGroup', now + 0.75, 6)]),
        ]),
    ])
    status, _, answer = call(f'{base}/post_zip?token={token}', zlib.compress(body))
    result = {'post': {'status': status, 'body': json.loads(answer)}}
    # Posts are applied asynchronously: wait (10 s at most) until all three requests show.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        _, _, tabs = call(f'{base}/tabs?name=agent.requests&token={token}',
                          headers={'Accept': 'application/json'})
        if json.loads(tabs).get('agent.requests', {}).get('pct', {}).get('count') == 3:
            break
        time.sleep(0.05)
    reads = {
        'tabs_text': (f'{base}/tabs?name=agent%5C.&re&token={token}', {}),
        'tabs_json': (f'{base}/tabs?name=agent.requests&token={token}',
                      {'Accept': 'application/json'}),
        'names_text': (f'{base}/names?client=py-agent-2&token={token}', {}),
    }
    for key, (url, headers) in reads.items():
        status, content_type, text = call(url, headers=headers)
        result[key] = {'status': status, 'type': content_type, 'body': text.decode('utf-8')}
    print(json.dumps(result))


if __name__ == '__main__':
    main()
