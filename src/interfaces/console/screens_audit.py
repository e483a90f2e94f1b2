"""Console screens (placeholder until its screen lands)."""

from fastapi import APIRouter

router = APIRouter()
