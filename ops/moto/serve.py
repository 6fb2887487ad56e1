"""moto, the AWS stand-in of the compose try-out: EMR, EMR on EKS and S3 on one port.

The platform expects its artifact bucket to exist, as on real AWS where it is made once when the platform is set
up, so the buckets named in PLATY_MOTO_BUCKETS (comma-separated) are created before the container reports healthy.
"""
import os
import signal
import threading
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

PORT = int(os.environ.get("MOTO_PORT", "5000"))
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
READY = Path(os.environ.get("MOTO_READY_FILE", "/tmp/moto-ready"))


def main() -> None:
    READY.unlink(missing_ok=True)
    server = ThreadedMotoServer(ip_address="0.0.0.0", port=PORT, verbose=False)
    server.start()
    # moto accepts any credentials; these exist only so boto3 signs the request.
    s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{PORT}", region_name=REGION,
                      aws_access_key_id="moto", aws_secret_access_key="moto")
    for bucket in (b.strip() for b in os.environ.get("PLATY_MOTO_BUCKETS", "").split(",")):
        if bucket:
            location = {} if REGION == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": REGION}}
            s3.create_bucket(Bucket=bucket, **location)
            print(f"moto: bucket {bucket} created in {REGION}", flush=True)
    READY.touch()
    print(f"moto: serving on port {PORT}", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
