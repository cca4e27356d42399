//! Server-rendered SVG charts: the cohort funnel (horizontal bars) and the programme's
//! employment and sustainment rates by cohort (lines). Only presentation attributes, no
//! inline styles or scripts, so the strict content security policy holds. Every chart
//! is `role="img"` with a title and description; the page puts a table beside it as the
//! text equivalent.

use std::fmt::Write;

/// Escapes text for SVG.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A horizontal bar chart of (label, count), scaled to the largest count.
pub fn funnel(title: &str, steps: &[(String, i64)]) -> String {
    let (label_w, bar_w, row_h) = (230.0, 380.0, 30.0);
    let height = row_h * steps.len() as f64 + 10.0;
    let max = steps.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" role="img" aria-labelledby="funnel-title funnel-desc"><title id="funnel-title">{t}</title><desc id="funnel-desc">Bar chart; the same figures are in the table below.</desc>"#,
        w = label_w + bar_w + 60.0,
        t = esc(title)
    );
    for (i, (label, n)) in steps.iter().enumerate() {
        let y = i as f64 * row_h + 5.0;
        let w = (*n as f64 / max * bar_w).max(if *n > 0 { 2.0 } else { 0.0 });
        let _ = write!(
            svg,
            r##"<text x="{tx}" y="{ty}" text-anchor="end" font-size="15" fill="#0b0c0c">{l}</text><rect x="{label_w}" y="{y}" width="{w:.1}" height="{h}" fill="#1d70b8"/><text x="{vx:.1}" y="{ty}" font-size="15" font-weight="bold" fill="#0b0c0c">{n}</text>"##,
            tx = label_w - 8.0,
            ty = y + 18.0,
            l = esc(label),
            h = row_h - 8.0,
            vx = label_w + w + 6.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Lines of percentages (0–100) over a sequence of labels, one colour per series.
pub fn rates(title: &str, labels: &[String], series: &[(&str, Vec<Option<f64>>)]) -> String {
    let (left, top, plot_w, plot_h) = (50.0, 20.0, 600.0, 220.0);
    let colours = ["#1d70b8", "#00703c", "#d4351c"];
    let step = if labels.len() > 1 {
        plot_w / (labels.len() - 1) as f64
    } else {
        0.0
    };
    let x = |i: usize| left + step * i as f64;
    let y = |v: f64| top + plot_h - v.clamp(0.0, 100.0) / 100.0 * plot_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="rates-title rates-desc"><title id="rates-title">{t}</title><desc id="rates-desc">Line chart; the same figures are in the table below.</desc>"#,
        w = left + plot_w + 110.0,
        h = top + plot_h + 130.0,
        t = esc(title)
    );
    for pct in [0, 25, 50, 75, 100] {
        let py = y(f64::from(pct));
        let _ = write!(
            svg,
            r##"<line x1="{left}" x2="{x2}" y1="{py}" y2="{py}" stroke="#b1b4b6" stroke-width="1"/><text x="{tx}" y="{ty}" text-anchor="end" font-size="12" fill="#0b0c0c">{pct}%</text>"##,
            x2 = left + plot_w,
            tx = left - 6.0,
            ty = py + 4.0
        );
    }
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            svg,
            r##"<text x="{lx:.1}" y="{ly}" font-size="11" fill="#0b0c0c" transform="rotate(45 {lx:.1} {ly})">{l}</text>"##,
            lx = x(i),
            ly = top + plot_h + 16.0,
            l = esc(label)
        );
    }
    for (s, (name, values)) in series.iter().enumerate() {
        let colour = colours[s % colours.len()];
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="3"/>"#,
            points.join(" ")
        );
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{colour}"/>"#,
                    x(i),
                    y(*v)
                );
            }
        }
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="4" width="14" height="4" fill="{colour}"/><text x="{tx}" y="12" font-size="13" fill="{colour}">{n}</text>"#,
            lx = left + 220.0 * s as f64,
            tx = left + 220.0 * s as f64 + 20.0,
            n = esc(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scale_to_the_largest() {
        let svg = funnel("A <b>", &[("x & y".into(), 10), ("z".into(), 5)]);
        assert!(svg.contains("A &lt;b&gt;") && svg.contains("x &amp; y"));
        assert!(svg.contains(r#"width="380.0""#) && svg.contains(r#"width="190.0""#));
    }
}
