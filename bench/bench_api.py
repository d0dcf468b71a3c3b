"""API latency seen by a consumer with an API key: the scorecard (JSON, CSV, conditional
request), the values list and its CSV export, over Zhonglou plus synthetic districts.

    .venv/bin/python bench/bench_api.py [--regions 20]
"""

from __future__ import annotations

import argparse

from common import machine, report, setup, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=20)
    args = parser.parse_args()
    setup(args.regions)

    from django.test import Client

    from accounts.api_keys import new_key
    from accounts.models import ApiKey, User
    from indicators.models import IndicatorValue

    key, prefix, digest = new_key()
    ApiKey.objects.create(
        name="bench", owner=User.objects.get(username="admin"), prefix=prefix, key_hash=digest
    )
    client = Client(HTTP_HOST="localhost", HTTP_X_API_KEY=key)

    def get(url, **headers):
        def call():
            response = client.get(url, **headers)
            assert response.status_code in (200, 304), (url, response.status_code)
            return response

        return call

    scorecard = "/api/v1/regions/320404/scorecard/?year=2021"
    etag = client.get(scorecard)["ETag"]
    rows = [
        ("GET scorecard (JSON)", timed(get(scorecard))),
        ("GET scorecard, If-None-Match → 304", timed(get(scorecard, HTTP_IF_NONE_MATCH=etag))),
        ("GET scorecard ?format=csv", timed(get(scorecard + "&format=csv"))),
        ("GET values (first page of 50, all regions)", timed(get("/api/v1/values/"))),
        (
            "GET values ?region=320404&year_min=2019",
            timed(get("/api/v1/values/?region=320404&year_min=2019")),
        ),
        (
            "GET values ?format=csv (every value)",
            timed(get("/api/v1/values/?format=csv"), repeat=5),
        ),
        (
            "GET frameworks/jiangsu-county-2019/ (nested)",
            timed(get("/api/v1/frameworks/jiangsu-county-2019/")),
        ),
        ("GET assessments/ (first page)", timed(get("/api/v1/assessments/"))),
    ]
    print(machine())
    print(f"values in the database: {IndicatorValue.objects.count()} · regions: {args.regions + 1}")
    report("API (in-process client, no network)", rows)


if __name__ == "__main__":
    main()
