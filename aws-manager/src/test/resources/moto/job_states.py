"""moto for the EMR on EKS and EMR Serverless tests, with a control port that moves job runs on.

moto starts an EKS job run RUNNING and a Serverless one SUCCESS and never moves them (only a cancel does), so a
test that wants a run to end COMPLETED or FAILED sets the state in moto's own store, as AWS would. Usage:
job_states.py MOTO_PORT CONTROL_PORT; POST /job-runs {"service", "id", "state", "stateDetails", "failureReason"}.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from moto.core import DEFAULT_ACCOUNT_ID
from moto.emrcontainers.models import emrcontainers_backends
from moto.emrserverless.models import emrserverless_backends
from moto.server import ThreadedMotoServer

REGION = "us-east-1"


def run_of(service, run_id):
    if service == "emr-containers":
        return emrcontainers_backends[DEFAULT_ACCOUNT_ID][REGION].job_runs.get(run_id)
    for runs in emrserverless_backends[DEFAULT_ACCOUNT_ID][REGION].job_runs.values():
        for run in runs:
            if run.id == run_id:
                return run
    return None


class Control(BaseHTTPRequestHandler):
    """Answers in HTTP/1.0 and closes each connection. It says so ("Connection: close"): without the header, Java's
    HttpClient pools the connection and now and then sends the next POST down the closed socket ("header parser
    received no bytes"), which it does not retry for a POST."""

    def end_headers(self):
        self.send_header("Connection", "close")
        super().end_headers()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        run = run_of(body["service"], body["id"])
        if run is None:
            self.send_response(404)
            self.end_headers()
            return
        run.state = body["state"]
        run.state_details = body.get("stateDetails")
        if body.get("failureReason") is not None:
            run.failure_reason = body["failureReason"]
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    moto_port, control_port = int(sys.argv[1]), int(sys.argv[2])
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    server.start()
    ThreadingHTTPServer(("127.0.0.1", control_port), Control).serve_forever()


if __name__ == "__main__":
    main()
