"""The OpenAPI 3.1 description of the read-only JSON API (``/api/v1/openapi.json``).

Written by hand beside the two views it describes (``api.py``): the parameters, errors and
pagination are the views' own constants, the breakdown of a score is derived from the engine's
:data:`lke.SCORE_KEYS` (a key without a description here fails at import), and a test compares
every declared property with the keys of a real response, so the description cannot drift from
what the API answers. No Django request is needed to build it: :func:`openapi_document` takes the
server address.
"""

from __future__ import annotations

from typing import Any

from zi_portal.common.params import YEAR_MAX, YEAR_MIN

from . import lke
from .models import Assessment

PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200
API_VERSION = "1.0.0"

_NUMBER = {"type": "number", "description": "Angka mesin penilaian, presisi penuh (bulatkan setengah ke atas, "
                                            "dua desimal, untuk ditampilkan)."}
_PREDICATE = {"type": ["string", "null"], "enum": ["WBK", "WBBM", None],
              "description": "Predikat yang ambangnya terpenuhi (tanpa prasyarat), atau null."}


def _number_map(description: str) -> dict:
    return {"type": "object", "additionalProperties": {"type": "number"}, "description": description}


# one description per key of ``lke.score_to_json``; ``_score_schema`` fails on a key missing here
_SCORE_PROPERTIES: dict[str, dict] = {
    "instrument": {"type": "string", "description": "Kode instrumen LKE."},
    "total": _NUMBER,
    "pengungkit": _NUMBER,
    "pemenuhan": _NUMBER,
    "reform": _NUMBER,
    "hasil": _NUMBER,
    "bersih_akuntabel": _NUMBER,
    "pelayanan_prima": _NUMBER,
    "areas": _number_map("Nomor area -> persentase area (0-100)."),
    "area_totals": _number_map("Kode area -> nilai area dalam poin."),
    "indicators": _number_map("Kode indikator -> nilai indikator dalam poin."),
    "items": _number_map("Kode butir -> nilai butir dalam [0, 1]."),
    "unanswered": {"type": "array", "items": {"type": "string"}, "description": "Kode butir yang belum dijawab."},
    "thresholds": {
        "type": "object",
        "description": "Per predikat (WBK, WBBM): apakah ambang nilai terpenuhi dan aturan mana yang belum.",
        "additionalProperties": {
            "type": "object",
            "required": ["met", "failures"],
            "properties": {
                "met": {"type": "boolean"},
                "failures": {"type": "array", "items": {"$ref": "#/components/schemas/ThresholdFailure"}},
            },
        },
    },
    "predicate": _PREDICATE,
}

_FAILURE_PROPERTIES: dict[str, dict] = {
    "rule": {"type": "string"},
    "label": {"type": "string"},
    "figure": {"type": "number"},
    "figure_rounded": {"type": "number"},
    "minimum": {"type": "number"},
    "unit": {"type": "string", "description": "\"%\" atau \"poin\"."},
    "source": {"type": "string"},
    "survey_driven": {"type": "boolean"},
}


def _score_schema() -> dict:
    return {
        "type": "object",
        "description": "Satu bentuk JSON nilai LKE (sama dengan `manage.py lke_score --format json`, tanpa `gaps`).",
        "required": list(lke.SCORE_KEYS),
        "properties": {key: _SCORE_PROPERTIES[key] for key in lke.SCORE_KEYS},
    }


SUMMARY_PROPERTIES: dict[str, dict] = {
    "id": {"type": "integer"},
    "url": {"type": "string", "description": "Alamat rincian penilaian ini di API (path)."},
    "unit": {
        "type": "object", "required": ["code", "name"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
    },
    "period": {"type": "integer", "description": "Tahun periode penilaian."},
    "target": {"type": "string", "enum": [value for value, _label in Assessment.Target.choices]},
    "state": {"type": "string", "enum": list(lke.workflow.STATES)},
    "state_label": {"type": "string", "description": "Nama status dalam bahasa Indonesia."},
    "instrument": {"type": "string", "description": "Kode instrumen LKE."},
    "unit_total": _NUMBER,
    "tpi_total": _NUMBER,
    "scored_side": {"type": "string", "enum": ["unit", "tpi"],
                    "description": "Nilai yang berlaku: `tpi` sejak TPI menilai, selain itu `unit`."},
    "pengungkit": _NUMBER,
    "hasil": _NUMBER,
    "predicate": _PREDICATE,
    "recommendation": {
        "type": "object", "required": ["label", "predicate", "reasons"],
        "description": "Rekomendasi: nilai dan prasyarat digabung.",
        "properties": {
            "label": {"type": "string"},
            "predicate": _PREDICATE,
            "reasons": {"type": "array", "items": {"type": "string"}},
        },
    },
}

DETAIL_SIDES = ("unit", "tpi")

DISPARITY_ITEM_PROPERTIES: dict[str, dict] = {
    "code": {"type": "string", "description": "Kode butir."},
    "unit_value": {"type": "number", "description": "Nilai butir jawaban unit dalam [0, 1] (0 bila belum dijawab)."},
    "tpi_value": {"type": "number", "description": "Nilai butir jawaban TPI dalam [0, 1]."},
    "points": {"type": "number", "description": "Selisih TPI dikurangi unit, dalam poin nilai total."},
}

DISPARITY_PROPERTIES: dict[str, dict] = {
    "total": {"type": "number", "description": "Jumlah selisih semua butir yang dijawab TPI, dalam poin."},
    "areas": _number_map("Nomor area (1-6) -> jumlah selisih butir Pengungkit area itu, dalam poin."),
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/DisparityItem"},
              "description": "Butir yang dijawab TPI, selisih terbesar (nilai mutlak) lebih dulu."},
}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


_AUTH_ERRORS = {
    "401": _error("Tanpa kredensial (login atau token); header `WWW-Authenticate: Token`."),
    "429": _error("Batas laju permintaan API terlampaui."),
}


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document (a plain dict; ``server_url`` is the portal's address)."""
    year = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ZI Portal API",
            "version": API_VERSION,
            "description": (
                "API baca-saja penilaian LKE Zona Integritas. Cakupan data sama dengan halaman portal: "
                "yang tidak boleh dilihat pengguna menjawab 404. Angka adalah angka mesin penilaian "
                "dengan presisi penuh."
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"token": []}, {"session": []}],
        "paths": {
            "/api/v1/assessments/": {
                "get": {
                    "operationId": "assessment_list",
                    "summary": "Daftar penilaian yang dapat dilihat, satu halaman",
                    "parameters": [
                        {"name": "period", "in": "query", "required": False, "schema": year,
                         "description": "Hanya penilaian tahun ini."},
                        {"name": "page", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "default": 1},
                         "description": "Nomor halaman, mulai 1."},
                        {"name": "page_size", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX,
                                    "default": PAGE_SIZE_DEFAULT},
                         "description": f"Baris per halaman (paling banyak {PAGE_SIZE_MAX})."},
                    ],
                    "responses": {
                        "200": {"description": "Satu halaman penilaian.",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/AssessmentPage"}}}},
                        "400": _error("`period`, `page` atau `page_size` tidak valid (mis. `page_size` > "
                                      f"{PAGE_SIZE_MAX})."),
                        "404": _error("Halaman di luar jangkauan (0, atau lewat halaman terakhir)."),
                        **_AUTH_ERRORS,
                    },
                },
            },
            "/api/v1/assessments/{id}/": {
                "get": {
                    "operationId": "assessment_detail",
                    "summary": "Satu penilaian dengan rincian nilai unit dan TPI",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "Penilaian dan rincian nilainya.",
                                "content": {"application/json": {
                                    "schema": {"$ref": "#/components/schemas/AssessmentDetail"}}}},
                        "404": _error("Tidak ada, atau pengguna tidak berhak melihatnya."),
                        **_AUTH_ERRORS,
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {
                "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "`Authorization: Token <key>`; kunci dari `manage.py api_token USERNAME` "
                                         "(hanya SHA-256-nya yang disimpan)."},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid",
                            "description": "Sesi login portal di peramban."},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["detail"], "properties": {
                    "detail": {"type": "string", "description": "Alasan, dalam bahasa Indonesia."}}},
                "AssessmentSummary": {"type": "object", "required": list(SUMMARY_PROPERTIES),
                                      "properties": SUMMARY_PROPERTIES},
                "AssessmentDetail": {
                    "allOf": [
                        {"$ref": "#/components/schemas/AssessmentSummary"},
                        {"type": "object", "required": list(DETAIL_SIDES),
                         "properties": {
                             **{side: {"$ref": "#/components/schemas/Score"} for side in DETAIL_SIDES},
                             "disparity": {"$ref": "#/components/schemas/Disparity"},
                         }},
                    ],
                },
                "AssessmentPage": {
                    "type": "object", "required": ["count", "next", "previous", "results"],
                    "properties": {
                        "count": {"type": "integer", "description": "Jumlah penilaian di semua halaman."},
                        "next": {"type": ["string", "null"], "format": "uri",
                                 "description": "Alamat halaman berikutnya, atau null."},
                        "previous": {"type": ["string", "null"], "format": "uri",
                                     "description": "Alamat halaman sebelumnya, atau null."},
                        "results": {"type": "array", "items": {"$ref": "#/components/schemas/AssessmentSummary"}},
                    },
                },
                "Score": _score_schema(),
                "Disparity": {
                    "type": "object", "required": list(DISPARITY_PROPERTIES), "properties": DISPARITY_PROPERTIES,
                    "description": "Selisih penilaian TPI terhadap penilaian mandiri unit (TPI dikurangi unit) "
                                   "dalam poin nilai total; ada sejak TPI menjawab satu butir.",
                },
                "DisparityItem": {"type": "object", "required": list(DISPARITY_ITEM_PROPERTIES),
                                  "properties": DISPARITY_ITEM_PROPERTIES},
                "ThresholdFailure": {"type": "object", "required": list(_FAILURE_PROPERTIES),
                                     "properties": _FAILURE_PROPERTIES},
            },
        },
    }


# --- the docs page: the same document as rows a template can show ------------------------------


def _type_text(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "allOf" in schema:
        return " + ".join(_type_text(part) for part in schema["allOf"])
    kind = schema.get("type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    text = " | ".join(str(k) for k in kinds)
    if kind == "array":
        text = f"array of {_type_text(schema.get('items', {}))}"
    elif kind == "object" and "additionalProperties" in schema:
        text = f"object of {_type_text(schema['additionalProperties'])}"
    if "enum" in schema:
        text += " (" + ", ".join("null" if v is None else str(v) for v in schema["enum"]) + ")"
    return text


def docs_sections(document: dict) -> dict:
    """The document as plain rows for the server-rendered docs page (no script needed)."""
    operations = []
    for path, methods in document["paths"].items():
        for method, op in methods.items():
            operations.append({
                "method": method.upper(), "path": path, "summary": op["summary"], "id": op["operationId"],
                "parameters": [
                    {"name": p["name"], "where": p["in"], "required": p["required"], "type": _type_text(p["schema"]),
                     "default": p["schema"].get("default", ""), "description": p.get("description", "")}
                    for p in op["parameters"]
                ],
                "responses": [
                    {"status": status, "description": r["description"],
                     "type": _type_text(r["content"]["application/json"]["schema"]) if "content" in r else ""}
                    for status, r in op["responses"].items()
                ],
            })
    schemas = []
    for name, schema in document["components"]["schemas"].items():
        parts = schema.get("allOf", [schema])
        required = {key for part in parts for key in part.get("required", [])}
        schemas.append({
            "name": name,
            "extends": [_type_text(part) for part in parts if "$ref" in part],
            "description": schema.get("description", ""),
            "properties": [
                {"name": key, "type": _type_text(prop), "required": key in required,
                 "description": prop.get("description", "")}
                for part in parts for key, prop in part.get("properties", {}).items()
            ],
        })
    return {
        "info": document["info"],
        "operations": operations,
        "schemas": schemas,
        "security": [{"scheme": name, **scheme} for name, scheme in document["components"]["securitySchemes"].items()],
    }
