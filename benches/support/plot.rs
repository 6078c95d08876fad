//! A small SVG line plot shared by the benchmarks that draw one
//! (`idle_fds`, `herd`): one line per series, a legend on the right, each
//! axis linear or logarithmic.

use std::fmt::Write as _;

/// One line of the plot.
pub struct Series {
    /// The legend's text.
    pub name: String,
    /// (x, y) points, in x order.
    pub points: Vec<(f64, f64)>,
}

/// What to draw.
pub struct Plot<'a> {
    /// The title above the plot.
    pub title: &'a str,
    /// The x axis's caption.
    pub x_label: &'a str,
    /// The y axis's caption.
    pub y_label: &'a str,
    /// The x values that get a grid line and a label.
    pub x_ticks: &'a [f64],
    /// Whether x is drawn on a log scale.
    pub x_log: bool,
    /// Whether y is drawn on a log scale (decades as grid lines); a linear
    /// y axis starts at 0.
    pub y_log: bool,
    /// The label of a y grid line's value.
    pub y_tick_label: fn(f64) -> String,
    /// The lines.
    pub series: Vec<Series>,
}

const COLORS: [&str; 6] = [
    "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#d62728", "#8c564b",
];

/// The plot as an SVG document.
pub fn svg(p: &Plot) -> String {
    let (w, h, left, right, top, bottom) = (720.0, 440.0, 80.0, 190.0, 40.0, 60.0);
    let values = p
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|&(_, y)| y));
    let (lo, hi, y_ticks): (f64, f64, Vec<f64>) = if p.y_log {
        let lo = values
            .clone()
            .fold(f64::MAX, f64::min)
            .max(1.0)
            .log10()
            .floor();
        let hi = values.fold(1.0, f64::max).log10().ceil().max(lo + 1.0);
        let ticks = (lo as i32..=hi as i32).map(|e| 10f64.powi(e)).collect();
        (lo, hi, ticks)
    } else {
        let max = values.fold(0.0, f64::max).max(1e-9);
        let step = nice_step(max / 5.0);
        let hi = (max / step).ceil() * step;
        let ticks = (0..=(hi / step).round() as usize)
            .map(|i| i as f64 * step)
            .collect();
        (0.0, hi, ticks)
    };
    let fx = |v: f64| if p.x_log { v.log10() } else { v };
    let (x0, x1) = (
        fx(p.x_ticks.iter().copied().fold(f64::MAX, f64::min)),
        fx(p.x_ticks.iter().copied().fold(f64::MIN, f64::max)),
    );
    let x = |v: f64| left + (fx(v) - x0) / (x1 - x0).max(1e-9) * (w - left - right);
    let fy = |v: f64| if p.y_log { v.log10() } else { v };
    let y = |v: f64| top + (hi - fy(v)) / (hi - lo) * (h - top - bottom);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15">{}</text>"#,
        w / 2.0,
        p.title
    );
    for &n in p.x_ticks {
        let _ = writeln!(
            s,
            r##"<line x1="{0}" y1="{top}" x2="{0}" y2="{1}" stroke="#ddd"/><text x="{0}" y="{2}" text-anchor="middle">{n}</text>"##,
            x(n).round(),
            h - bottom,
            h - bottom + 18.0
        );
    }
    for v in y_ticks {
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{0}" x2="{1}" y2="{0}" stroke="#ddd"/><text x="{2}" y="{3}" text-anchor="end">{4}</text>"##,
            y(v).round(),
            w - right,
            left - 6.0,
            y(v).round() + 4.0,
            (p.y_tick_label)(v)
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
        (left + w - right) / 2.0,
        h - 16.0,
        p.x_label
    );
    let _ = writeln!(
        s,
        r#"<text x="18" y="{0}" text-anchor="middle" transform="rotate(-90 18 {0})">{1}</text>"#,
        (top + h - bottom) / 2.0,
        p.y_label
    );
    for (i, series) in p.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let points: Vec<(f64, f64)> = series.points.iter().map(|&(a, b)| (x(a), y(b))).collect();
        let line: Vec<String> = points
            .iter()
            .map(|(a, b)| format!("{a:.1},{b:.1}"))
            .collect();
        let _ = writeln!(
            s,
            r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"/>"#,
            line.join(" ")
        );
        for (px, py) in &points {
            let _ = writeln!(
                s,
                r#"<circle cx="{px:.1}" cy="{py:.1}" r="3" fill="{color}"/>"#
            );
        }
        let ly = top + 20.0 + 22.0 * i as f64;
        let _ = writeln!(
            s,
            r#"<line x1="{0}" y1="{ly}" x2="{1}" y2="{ly}" stroke="{color}" stroke-width="2"/><text x="{2}" y="{3}">{4}</text>"#,
            w - right + 16.0,
            w - right + 40.0,
            w - right + 46.0,
            ly + 4.0,
            series.name
        );
    }
    s.push_str("</svg>\n");
    s
}

/// A round grid step (1, 2 or 5 times a power of ten) near `raw`.
fn nice_step(raw: f64) -> f64 {
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag)
}
