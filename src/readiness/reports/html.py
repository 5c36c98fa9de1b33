"""The page kit of the reports: inline CSS, escaped tables and sections, embedded
figures, and the self-contained page around them.

Shared by the evaluation report and the recalibration report, so both look alike
and both open offline: images are base64 PNGs, the CSS is inline, and every value
from the data or the caller is HTML-escaped unless built here as `Safe` markup.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any, Final

__all__ = [
    "CSS",
    "Conclusion",
    "Safe",
    "figures_html",
    "findings_list",
    "page",
    "render_pngs",
    "section",
    "table",
]


@dataclass(frozen=True)
class Conclusion:
    """One finding in Japanese and English, computed from the numbers."""

    ja: str
    en: str


CSS: Final = """
body{font-family:"Hiragino Sans","Noto Sans JP","Yu Gothic",Meiryo,system-ui,sans-serif;
margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:2px solid #1f77b4;
padding-bottom:.2rem;margin-top:2.2rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}
th{background:#f3f6fa}table.num td{font-variant-numeric:tabular-nums}
.note{color:#666;font-size:.85rem}
.warning{background:#fff4e5;border-left:4px solid #e67e22;padding:.4rem .8rem}
ul.findings li{margin-bottom:.6rem}
ul.findings p{margin:.1rem 0}ul.findings p[lang=en]{color:#555}
figure{display:inline-block;margin:.5rem;vertical-align:top;max-width:48%}
figure img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85rem;color:#444}
@media (max-width:800px){figure{max-width:100%}}
"""


class Safe(str):
    """Markup built here from escaped parts; table cells of this type pass as is."""


def _cell(value: object) -> str:
    return value if isinstance(value, Safe) else escape(str(value))


def table(headers: list[str], rows: list[list[object]], *, cls: str = "") -> str:
    """An HTML table; cells are escaped unless they are `Safe`."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    klass = f' class="{escape(cls)}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(key: str, heading: str, body: str) -> str:
    """A titled `<section>`; `key` becomes its anchor id."""
    return f'<section id="{escape(key)}"><h2>{escape(heading)}</h2>{body}</section>'


def findings_list(items: Iterable[Conclusion]) -> str:
    """Findings as a list, each in Japanese then English."""
    found = "".join(
        f'<li><p lang="ja">{escape(c.ja)}</p><p lang="en">{escape(c.en)}</p></li>'
        for c in items
    )
    return f'<ul class="findings">{found}</ul>'


def figures_html(
    figures: Mapping[str, bytes], captions: Mapping[str, tuple[str, ...]]
) -> str:
    """PNG figures embedded as base64, captioned "English / 日本語" (or the name)."""
    return "".join(
        f'<figure id="figure-{escape(name)}"><img alt="{escape(name)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'
        f"<figcaption>{escape(' / '.join(captions.get(name, (name,))))}</figcaption>"
        "</figure>"
        for name, png in figures.items()
    )


def page(title: str, sections: Iterable[str], *, header: str = "") -> str:
    """The whole self-contained page: title, `header` markup under it, sections."""
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>{header}</header>"
        + "".join(sections)
        + "</body></html>\n"
    )


def render_pngs(
    draws: Mapping[str, Callable[[Any, Any], None]],
    data: Any,
    *,
    titles: Mapping[str, str],
    dpi: int = 100,
) -> dict[str, bytes]:
    """PNG bytes of `draw(ax, data)` per name: titled, gridded, freed once saved."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    out: dict[str, bytes] = {}
    for name, draw in draws.items():
        fig = Figure(figsize=(6.4, 4.4), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        draw(ax, data)
        ax.set_title(titles[name], fontsize=10)
        ax.grid(alpha=0.3)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
        fig.clear()
        out[name] = buffer.getvalue()
    return out
