"""CSL-JSON: the CSL items themselves."""

import json


def to_csl_json(items, extra):
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
