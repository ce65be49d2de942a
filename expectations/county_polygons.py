"""Is a point inside its county? The region pack's county boundaries, prepared once."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import polars as pl
import shapely

from contract.location import BOUNDARIES


@lru_cache(maxsize=2)
def county_polygons(path: Path = BOUNDARIES) -> dict[str, shapely.Geometry]:
    """adcode -> prepared boundary, for every county-level feature."""
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    polygons = {}
    for feature in features:
        if feature["properties"]["level"] == "county":
            geometry = shapely.geometry.shape(feature["geometry"])
            shapely.prepare(geometry)
            polygons[feature["properties"]["adcode"]] = geometry
    return polygons


def outside_county(county: pl.Series, lon: pl.Series, lat: pl.Series) -> pl.Series:
    """True where the point lies outside its county's boundary; null where a coordinate or the
    county is missing, or the county has no boundary in the region pack."""
    outside = pl.Series(county.name, [None] * county.len(), dtype=pl.Boolean)
    for adcode, polygon in county_polygons().items():
        rows = ((county == adcode) & lon.is_not_null() & lat.is_not_null()).fill_null(False).arg_true()
        if rows.len():
            inside = shapely.contains_xy(polygon, lon.gather(rows).to_numpy(), lat.gather(rows).to_numpy())
            outside = outside.scatter(rows, pl.Series(~inside))
    return outside
