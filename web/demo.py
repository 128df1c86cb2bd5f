"""Blueprint ``demo``: a sample Jeonbuk centre page with the widget embedded (the one-line embed)."""

from flask import Blueprint, render_template

bp = Blueprint("demo", __name__)


@bp.get("/")
def index():
    return render_template("demo/index.html")
