"""The same Route 53 request sequence against any endpoint, printing response SHAPES.

Run by route53-moto.test.ts against moto_server and against latency-atlas. Env:
R53_ENDPOINT (endpoint_url), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (moto takes any),
R53_SAMPLE (e2e/fixtures/route53-change-batch.json, the shared sample; adapted: its zone becomes ours).

Prints one JSON object per line: {"step", "shape"} for a response (keys recursively, values
replaced by their type name, a list by the shape of its first element, ResponseMetadata
dropped), {"step", "error": {"Code", "HTTPStatus"}} for an error, and {"step", "order"} for
the record sets' (Name, Type) order.
"""

import copy
import datetime
import json
import os
import sys
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ZONE = "shop.example.net"
client = boto3.client(
    "route53",
    endpoint_url=os.environ["R53_ENDPOINT"],
    region_name="us-east-1",
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
)


def shape(value):
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items()) if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, datetime.datetime):
        return "datetime"
    return type(value).__name__


def emit(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


def step(name, fn, **kwargs):
    """Calls fn(**kwargs), prints its shape (or error) and returns the response (or None)."""
    try:
        response = fn(**kwargs)
    except ClientError as err:
        emit(
            {
                "step": name,
                "error": {
                    "Code": err.response.get("Error", {}).get("Code"),
                    "HTTPStatus": err.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                },
            }
        )
        return None
    emit({"step": name, "shape": shape(response)})
    return response


def bare(zone_id):
    return zone_id.split("/")[-1]


def rrset(name, rtype, ttl, values, set_id=None, region=None, health_check=None):
    out = {"Name": name, "Type": rtype, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in values]}
    if set_id is not None:
        out["SetIdentifier"] = set_id
        out["Region"] = region
    if health_check is not None:
        out["HealthCheckId"] = health_check
    return out


def main():
    created = step(
        "CreateHostedZone",
        client.create_hosted_zone,
        Name=ZONE,
        CallerReference=str(uuid.uuid4()),
        HostedZoneConfig={"Comment": "shapes", "PrivateZone": False},
    )
    if created is None:
        sys.exit("CreateHostedZone failed")
    zone_id = bare(created["HostedZone"]["Id"])
    step("GetHostedZone", client.get_hosted_zone, Id=zone_id)
    step("ListHostedZones", client.list_hosted_zones)
    step("ListHostedZones MaxItems=1", client.list_hosted_zones, MaxItems="1")
    step("ListHostedZonesByName", client.list_hosted_zones_by_name, DNSName=ZONE)
    step("GetHostedZoneCount", client.get_hosted_zone_count)

    check_config = {
        "Type": "HTTP",
        "IPAddress": "192.0.2.44",
        "Port": 80,
        "ResourcePath": "/healthz",
        "RequestInterval": 30,
        "FailureThreshold": 3,
    }
    check = step(
        "CreateHealthCheck",
        client.create_health_check,
        CallerReference=str(uuid.uuid4()),
        HealthCheckConfig=check_config,
    )
    check_id = check["HealthCheck"]["Id"] if check else "missing"
    step("GetHealthCheck", client.get_health_check, HealthCheckId=check_id)
    step("ListHealthChecks", client.list_health_checks)
    step(
        "UpdateHealthCheck",
        client.update_health_check,
        HealthCheckId=check_id,
        HealthCheckVersion=1,
        FailureThreshold=2,
        ResourcePath="/ready",
    )

    with open(os.environ["R53_SAMPLE"]) as f:
        sample = json.load(f)
    www = f"www.{ZONE}"
    # What the sample's UPSERT and DELETE need, plus names around it for the listing order.
    setup = [
        rrset(www, "A", 60, ["203.0.113.20"], "frankfurt", "eu-central-1"),
        rrset(www, "A", 60, ["192.0.2.31"], "tokyo", "ap-northeast-1"),
        rrset(www, "A", 60, ["192.0.2.11"], "virginia", "us-east-1"),
        rrset(www, "AAAA", 60, ["2001:db8::11"], "virginia", "us-east-1"),
        rrset(f"api.{ZONE}", "CNAME", 300, [f"www.{ZONE}"]),
        rrset(f"a.b.{ZONE}", "TXT", 300, ['"hello"']),
        rrset(f"b.{ZONE}", "A", 300, ["192.0.2.60"]),
        rrset(f"z.{ZONE}", "A", 300, ["192.0.2.61"]),
        rrset(f"mail.{ZONE}", "MX", 300, [f"10 mx.{ZONE}"]),
    ]
    change = step(
        "ChangeResourceRecordSets CREATE",
        client.change_resource_record_sets,
        HostedZoneId=zone_id,
        ChangeBatch={
            "Comment": "set up for the sample",
            "Changes": [{"Action": "CREATE", "ResourceRecordSet": r} for r in setup],
        },
    )
    if change:
        step("GetChange", client.get_change, Id=change["ChangeInfo"]["Id"])

    batch = copy.deepcopy(sample)
    for c in batch["Changes"]:
        if "HealthCheckId" in c["ResourceRecordSet"]:
            c["ResourceRecordSet"]["HealthCheckId"] = check_id
    change = step(
        "ChangeResourceRecordSets sample",
        client.change_resource_record_sets,
        HostedZoneId=zone_id,
        ChangeBatch=batch,
    )
    if change:
        step("GetChange after sample", client.get_change, Id=change["ChangeInfo"]["Id"])

    listed = step("ListResourceRecordSets", client.list_resource_record_sets, HostedZoneId=zone_id)
    if listed:
        emit(
            {
                "step": "ListResourceRecordSets order",
                "order": [[r["Name"], r["Type"]] for r in listed["ResourceRecordSets"]],
            }
        )
        # Every record set's own shape, in order (the first element alone is the SOA or NS).
        emit({"step": "ListResourceRecordSets each", "shapes": [shape(r) for r in listed["ResourceRecordSets"]]})

    # MaxItems=1 from each Next* start point until done (a repeated start point ends it).
    pages, start, seen = [], {}, set()
    while len(pages) < 40:
        page = step(
            f"ListResourceRecordSets MaxItems=1 page {len(pages) + 1}",
            client.list_resource_record_sets,
            HostedZoneId=zone_id,
            MaxItems="1",
            **start,
        )
        if page is None:
            break
        pages.append([[r["Name"], r["Type"]] for r in page["ResourceRecordSets"]])
        if not page["IsTruncated"]:
            break
        start = {"StartRecordName": page["NextRecordName"], "StartRecordType": page["NextRecordType"]}
        if "NextRecordIdentifier" in page:
            start["StartRecordIdentifier"] = page["NextRecordIdentifier"]
        key = json.dumps(start, sort_keys=True)
        if key in seen:
            emit({"step": "ListResourceRecordSets MaxItems=1 stuck", "start": start})
            break
        seen.add(key)
    emit({"step": "ListResourceRecordSets MaxItems=1 order", "order": [x for p in pages for x in p]})

    step(
        "TestDNSAnswer",
        client.test_dns_answer,
        HostedZoneId=zone_id,
        RecordName=www,
        RecordType="A",
        EDNS0ClientSubnetIP="8.8.8.0",
        EDNS0ClientSubnetMask="24",
    )
    step("GetDNSSEC", client.get_dnssec, HostedZoneId=zone_id)
    step("GetHealthCheckStatus", client.get_health_check_status, HealthCheckId=check_id)
    step(
        "UpdateHostedZoneComment",
        client.update_hosted_zone_comment,
        Id=zone_id,
        Comment="shapes, updated",
    )
    for kind, rid in (("hostedzone", zone_id), ("healthcheck", check_id)):
        step(
            f"ChangeTagsForResource {kind}",
            client.change_tags_for_resource,
            ResourceType=kind,
            ResourceId=rid,
            AddTags=[{"Key": "team", "Value": "edge"}, {"Key": "env", "Value": "test"}],
        )
        step(
            f"ChangeTagsForResource {kind} remove",
            client.change_tags_for_resource,
            ResourceType=kind,
            ResourceId=rid,
            RemoveTagKeys=["env"],
        )
        step(f"ListTagsForResource {kind}", client.list_tags_for_resource, ResourceType=kind, ResourceId=rid)
        step(f"ListTagsForResources {kind}", client.list_tags_for_resources, ResourceType=kind, ResourceIds=[rid])

    # Errors.
    step("GetHostedZone unknown", client.get_hosted_zone, Id="Z0000000000000000000A")
    step(
        "ListResourceRecordSets unknown zone",
        client.list_resource_record_sets,
        HostedZoneId="Z0000000000000000000A",
    )
    step("GetHealthCheck unknown", client.get_health_check, HealthCheckId=str(uuid.uuid4()))
    step(
        "ChangeResourceRecordSets DELETE missing",
        client.change_resource_record_sets,
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {"Action": "DELETE", "ResourceRecordSet": rrset(f"nothing.{ZONE}", "A", 60, ["192.0.2.1"])}
            ]
        },
    )
    step(
        "ChangeResourceRecordSets CREATE existing",
        client.change_resource_record_sets,
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [{"Action": "CREATE", "ResourceRecordSet": rrset(f"b.{ZONE}", "A", 300, ["192.0.2.60"])}]
        },
    )
    step(
        "ChangeResourceRecordSets outside the zone",
        client.change_resource_record_sets,
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                {"Action": "CREATE", "ResourceRecordSet": rrset("www.elsewhere.example.org", "A", 60, ["192.0.2.1"])}
            ]
        },
    )
    step("DeleteHostedZone not empty", client.delete_hosted_zone, Id=zone_id)

    # Clean up: every record set but SOA and NS, the health check, the zone.
    listed = client.list_resource_record_sets(HostedZoneId=zone_id)
    remove = [r for r in listed["ResourceRecordSets"] if r["Type"] not in ("SOA", "NS")]
    step(
        "ChangeResourceRecordSets DELETE all",
        client.change_resource_record_sets,
        HostedZoneId=zone_id,
        ChangeBatch={"Changes": [{"Action": "DELETE", "ResourceRecordSet": r} for r in remove]},
    )
    step("DeleteHealthCheck", client.delete_health_check, HealthCheckId=check_id)
    step("DeleteHostedZone", client.delete_hosted_zone, Id=zone_id)
    step("GetHostedZone deleted", client.get_hosted_zone, Id=zone_id)


main()
