# Real peers for the alert tests, on loopback: an SMTP server (aiosmtpd) and a webhook receiver.
#   peers.py smtp PORT OUT.jsonl [REFUSE_FILE [DELAY]]
#                                                 every accepted message is one JSON line
#                                                 (from, to, message_id, subject, body); a
#                                                 recipient listed in REFUSE_FILE ("-": none)
#                                                 gets 550; DELAY: seconds before each 250
#                                                 for a message (a slow server)
#   peers.py web PORT OUT.jsonl                   every POST is one JSON line (path, headers,
#                                                 body); /fail answers 500, /slow sleeps 5 s
import asyncio, email, json, os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def smtp(port, out, refuse, delay):
    from aiosmtpd.controller import Controller

    class Keep:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if refuse and os.path.exists(refuse) and address in open(refuse).read().split():
                return '550 5.1.1 mailbox unavailable'
            envelope.rcpt_tos.append(address)
            return '250 OK'

        async def handle_DATA(self, server, session, envelope):
            if delay:
                await asyncio.sleep(delay)
            raw = envelope.content.decode('utf8', 'replace')
            m = email.message_from_string(raw)
            body = m.get_payload(decode=True)
            body = body.decode('utf8', 'replace') if body else ''
            with open(out, 'a') as f:
                f.write(json.dumps({'from': envelope.mail_from, 'to': envelope.rcpt_tos,
                                    'message_id': m.get('Message-ID', ''),
                                    'subject': str(email.header.make_header(
                                        email.header.decode_header(m.get('Subject', '')))),
                                    'body': body}) + '\n')
            return '250 OK'

    c = Controller(Keep(), hostname='127.0.0.1', port=port)
    c.start()
    while True:
        time.sleep(3600)


def web(port, out):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
            if self.path == '/slow':
                time.sleep(5)
            with open(out, 'a') as f:
                f.write(json.dumps({'path': self.path, 'headers': dict(self.headers),
                                    'body': body.decode('utf8', 'replace')}) + '\n')
            self.send_response(500 if self.path == '/fail' else 200)
            self.send_header('Content-Length', '0')
            self.end_headers()

        def log_message(self, *a):
            pass

    ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()


if sys.argv[1] == 'smtp':
    smtp(int(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] != '-' else None,
         float(sys.argv[5]) if len(sys.argv) > 5 else 0)
else:
    web(int(sys.argv[2]), sys.argv[3])
