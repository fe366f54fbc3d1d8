"""A webhook receiver on loopback that verifies every message with the standardwebhooks library."""
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import json
import threading

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    """Answers each POST with the next status in `statuses` (200 once they run out) and keeps what came."""

    def __init__(self, secret=None):
        self.secret, self.statuses, self.received, self.rejected = secret, [], [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    verified = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError as error:
                    receiver.rejected.append((str(error), headers, body))
                    status = 401
                else:
                    receiver.received.append({"headers": headers, "body": verified, "raw": json.loads(body)})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/relay"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
