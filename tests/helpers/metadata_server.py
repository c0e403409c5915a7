"""A SAML metadata URL on 127.0.0.1 for tests: the document (or the status) is whatever the test sets."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class MetadataServer:
    """A metadata URL on 127.0.0.1 whose document (or status) the test changes."""

    def __init__(self, document: str):
        self.document, self.status = document, 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = outer.document.encode()
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/samlmetadata+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/FederationMetadata.xml"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
