"""A Python gRPC client of Taba: posts a columnar batch, then reads the Aggregate back.

Usage: post_and_read.py STUBS_DIR GATEWAY_ADDRESS CLIENT_ID NOW
Prints one JSON object: the PostEvents answer and the rendered Aggregate.
Stubs come from protos/ with Debian's protoc and grpc_python_plugin.
"""
import json
import sys

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from taba.v1 import taba_pb2, taba_pb2_grpc  # noqa: E402

address, client_id, now = sys.argv[2], sys.argv[3], float(sys.argv[4])
with grpc.insecure_channel(address) as channel:
    stub = taba_pb2_grpc.TabaStub(channel)
    batch = taba_pb2.EventBatch(
        client_id=client_id,
        seq=1,
        sent_at=now,
        tabs=[
            taba_pb2.TabColumn(name="py.latency", type=taba_pb2.COUNTER_GROUP, values=[1.5, 2.5, 4.0]),
            taba_pb2.TabColumn(name="py.state", type=taba_pb2.GAUGE, strings=["green"]),
        ],
    )
    posted = stub.PostEvents(batch, timeout=10)
    aggregates = stub.GetAggregates(
        taba_pb2.AggregatesRequest(filter=taba_pb2.TabFilter(names=["py.latency", "py.state"])),
        timeout=10,
    )
    print(
        json.dumps(
            {
                "applied": posted.applied,
                "rejected": posted.rejected_count,
                "tabs": {tab.name: json.loads(tab.body) for tab in aggregates.tabs},
            }
        )
    )
