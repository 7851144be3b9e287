#!/usr/bin/env python3
"""Seeds a fleet into LocalStack for scripts/bench-aws: ENDPOINTS endpoints in each of ACCOUNTS
(reached by AssumeRole from the caller, as the console does), with an hour of 1-minute instance
and invocation metrics and two days of hourly Model Monitor metrics each.

Usage: seed_fleet.py ACCOUNT[,ACCOUNT...] ENDPOINTS
"""
import datetime
import sys

import boto3

accounts = sys.argv[1].split(",")
per_account = int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
base = boto3.session.Session()

for a, account in enumerate(accounts):
    c = base.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/SagewatchOperator", RoleSessionName="seed"
    )["Credentials"]
    cw = boto3.client(
        "cloudwatch",
        aws_access_key_id=c["AccessKeyId"],
        aws_secret_access_key=c["SecretAccessKey"],
        aws_session_token=c["SessionToken"],
        region_name=base.region_name,
    )
    for e in range(per_account):
        name = f"endpoint-{a}-{e:03d}"
        ev = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": "AllTraffic"}]
        batches = {"/aws/sagemaker/Endpoints": [], "AWS/SageMaker": [], "aws/sagemaker/Endpoints/model-metrics": []}
        for m in range(60):
            ts = now - datetime.timedelta(minutes=m + 1)
            for metric, value in (("CPUUtilization", 20 + e % 50), ("MemoryUtilization", 40 + m % 7), ("DiskUtilization", 30)):
                batches["/aws/sagemaker/Endpoints"].append({"MetricName": metric, "Dimensions": ev, "Timestamp": ts, "Value": value})
            for metric, value in (("Invocations", 100 + m), ("ModelLatency", 25000), ("Invocation5XXErrors", m % 3)):
                batches["AWS/SageMaker"].append({"MetricName": metric, "Dimensions": ev, "Timestamp": ts, "Value": value})
        mq = [{"Name": "Endpoint", "Value": name}, {"Name": "MonitoringSchedule", "Value": f"{name}-mq"}]
        for h in range(48):
            ts = now.replace(minute=0) - datetime.timedelta(hours=h)
            for metric in ("accuracy", "auc", "f2", "precision", "recall"):
                batches["aws/sagemaker/Endpoints/model-metrics"].append({"MetricName": metric, "Dimensions": mq, "Timestamp": ts, "Value": 0.9 - h * 0.001})
        for ns, data in batches.items():
            for i in range(0, len(data), 500):
                cw.put_metric_data(Namespace=ns, MetricData=data[i : i + 500])
print(f"seeded {len(accounts) * per_account} endpoints", file=sys.stderr)
