"""Server-side SVG pictures of the register: the 5×5 heat map and a risk's score
trajectory. Plain strings built with escaping, so the same markup goes into the page
and into the BAF report PDF (WeasyPrint renders inline SVG)."""

from governance.risks.charts.heatmap import heat_map_rows, heat_map_svg
from governance.risks.charts.trajectory import trajectory_points, trajectory_svg

__all__ = ["heat_map_rows", "heat_map_svg", "trajectory_points", "trajectory_svg"]
