#!/usr/bin/env python3
"""What `sagewatch snapshot --json` fetches, done with boto3 the straightforward way: the same
calls (STS, AssumeRole per account, ListMetrics, ListEndpoints, DescribeAlarms, GetMetricData in
batches of 500 over the same windows), sequentially, as a team's script would. The baseline for
the wall-time comparison in scripts/bench-aws.

Usage: boto3_snapshot.py ACCOUNT[,ACCOUNT...]   (roles arn:aws:iam::ACCOUNT:role/SagewatchOperator)
"""
import datetime
import json
import sys

import boto3

INSTANCE = "/aws/sagemaker/Endpoints"
INVOCATION = "AWS/SageMaker"
QUALITY = "aws/sagemaker/Endpoints/model-metrics"
MINUTE = [(INSTANCE, m, "Average") for m in ("CPUUtilization", "MemoryUtilization", "DiskUtilization")] + [
    (INVOCATION, "Invocations", "Sum"),
    (INVOCATION, "ModelLatency", "Average"),
    (INVOCATION, "Invocation5XXErrors", "Sum"),
]
HOURLY = [(QUALITY, m, "Average") for m in ("accuracy", "auc", "f2", "precision", "recall")]


def pages(client, op, key, **kw):
    for page in client.get_paginator(op).paginate(**kw):
        yield from page.get(key, [])


def fetch(cw, queries, start, end):
    out = {}
    for i in range(0, len(queries), 500):
        batch = queries[i : i + 500]
        token = None
        while True:
            kw = dict(MetricDataQueries=batch, StartTime=start, EndTime=end, ScanBy="TimestampAscending")
            if token:
                kw["NextToken"] = token
            r = cw.get_metric_data(**kw)
            for res in r["MetricDataResults"]:
                out.setdefault(res["Id"], []).extend(zip(res["Timestamps"], res["Values"]))
            token = r.get("NextToken")
            if not token:
                break
    return out


def account_snapshot(session, account):
    cw = session.client("cloudwatch")
    sm = session.client("sagemaker")
    endpoints = {}
    for m in pages(cw, "list_metrics", "Metrics", Namespace=INSTANCE, MetricName="CPUUtilization", RecentlyActive="PT3H"):
        d = {x["Name"]: x["Value"] for x in m["Dimensions"]}
        if "EndpointName" in d and "VariantName" in d:
            endpoints.setdefault(d["EndpointName"], {"variants": set(), "schedules": set()})["variants"].add(d["VariantName"])
    for m in pages(cw, "list_metrics", "Metrics", Namespace=INVOCATION, MetricName="Invocations", RecentlyActive="PT3H"):
        d = {x["Name"]: x["Value"] for x in m["Dimensions"]}
        if "EndpointName" in d and "VariantName" in d:
            endpoints.setdefault(d["EndpointName"], {"variants": set(), "schedules": set()})["variants"].add(d["VariantName"])
    for m in pages(cw, "list_metrics", "Metrics", Dimensions=[{"Name": "Endpoint"}, {"Name": "MonitoringSchedule"}]):
        d = {x["Name"]: x["Value"] for x in m["Dimensions"]}
        if d.get("Endpoint") in endpoints:
            endpoints[d["Endpoint"]]["schedules"].add(d["MonitoringSchedule"])
    status = {e["EndpointName"]: e["EndpointStatus"] for e in pages(sm, "list_endpoints", "Endpoints")}
    alarms = list(pages(cw, "describe_alarms", "MetricAlarms", AlarmTypes=["MetricAlarm", "CompositeAlarm"]))

    now = datetime.datetime.now(datetime.timezone.utc)
    minute_q, hourly_q, names = [], [], {}
    for name, e in sorted(endpoints.items()):
        for v in sorted(e["variants"]):
            for ns, metric, stat in MINUTE:
                qid = f"q{len(minute_q)}"
                names[("m", qid)] = (name, metric)
                dims = [{"Name": "EndpointName", "Value": name}, {"Name": "VariantName", "Value": v}]
                minute_q.append({"Id": qid, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": metric, "Dimensions": dims}, "Period": 60, "Stat": stat}})
        for s in sorted(e["schedules"])[:1]:
            for ns, metric, stat in HOURLY:
                qid = f"q{len(hourly_q)}"
                names[("h", qid)] = (name, metric)
                dims = [{"Name": "Endpoint", "Value": name}, {"Name": "MonitoringSchedule", "Value": s}]
                hourly_q.append({"Id": qid, "MetricStat": {"Metric": {"Namespace": ns, "MetricName": metric, "Dimensions": dims}, "Period": 3600, "Stat": stat}})
    latest = {}
    for kind, queries, window in (("m", minute_q, 3600), ("h", hourly_q, 48 * 3600)):
        if not queries:
            continue
        for qid, points in fetch(cw, queries, now - datetime.timedelta(seconds=window), now).items():
            if points:
                name, metric = names[(kind, qid)]
                latest.setdefault(name, {})[metric] = max(points)[1]
    return {
        "account": account,
        "endpoints": [{"name": n, "status": status.get(n, "Unknown"), "latest": latest.get(n, {})} for n in sorted(endpoints)],
        "alarms": [{"name": a["AlarmName"], "state": a["StateValue"]} for a in alarms],
        "series": len(minute_q) + len(hourly_q),
    }


def main():
    accounts = sys.argv[1].split(",")
    base = boto3.session.Session()
    me = base.client("sts").get_caller_identity()
    out = {"monitoring_account": me["Account"], "accounts": []}
    for account in accounts:
        creds = base.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/SagewatchOperator", RoleSessionName="bench"
        )["Credentials"]
        session = boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=base.region_name,
        )
        out["accounts"].append(account_snapshot(session, account))
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
