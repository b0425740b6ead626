//! The timeline as an SVG bar chart: title, axes with ticks, one labelled bar per bucket.

use std::fmt::Write;

use crate::compare::timeline::{Bucketing, Timeline};

const WIDTH: f64 = 860.0;
const HEIGHT: f64 = 460.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 60.0;
const BOTTOM: f64 = 110.0;
const TICKS: usize = 5;

/// The chart as a standalone SVG document.
pub fn timeline_svg(report: &Timeline) -> String {
    let plot_width = WIDTH - LEFT - RIGHT;
    let plot_height = HEIGHT - TOP - BOTTOM;
    let max_rate = report.buckets.iter().map(|b| b.rate).fold(0.0, f64::max);
    let top = nice_ceiling(max_rate);
    let by = match report.by {
        Bucketing::Year => "year",
        Bucketing::Signatory => "signatory",
        Bucketing::Type => "type",
    };
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="28" text-anchor="middle" font-size="16" font-weight="bold">{} per 10,000 words, by {by}</text>"#,
        WIDTH / 2.0,
        escape(&report.query)
    );
    let total = &report.total;
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="46" text-anchor="middle" fill="#555">{} occurrences in {} statements, {} words in all</text>"##,
        WIDTH / 2.0,
        total.occurrences,
        total.statements,
        total.words
    );
    for tick in 0..=TICKS {
        let value = top * tick as f64 / TICKS as f64;
        let y = TOP + plot_height - plot_height * tick as f64 / TICKS as f64;
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + plot_width,
            LEFT - 6.0,
            y + 4.0,
            trim_number(value)
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{:.1}" stroke="#333"/><line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/>"##,
        TOP + plot_height,
        TOP + plot_height,
        LEFT + plot_width,
        TOP + plot_height
    );
    let _ = writeln!(
        svg,
        r#"<text transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle">occurrences per 10,000 words</text>"#,
        TOP + plot_height / 2.0
    );
    let count = report.buckets.len().max(1) as f64;
    let slot = plot_width / count;
    let bar_width = (slot * 0.7).max(1.0);
    for (index, bucket) in report.buckets.iter().enumerate() {
        let height = if top > 0.0 {
            plot_height * bucket.rate / top
        } else {
            0.0
        };
        let x = LEFT + slot * index as f64 + (slot - bar_width) / 2.0;
        let y = TOP + plot_height - height;
        let _ = writeln!(
            svg,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{bar_width:.1}" height="{height:.1}" fill="#3b6ea5"><title>{}: {:.2} per 10,000 words ({} occurrences, {} words)</title></rect>"##,
            escape(&bucket.key),
            bucket.rate,
            bucket.occurrences,
            bucket.words
        );
        if bucket.occurrences > 0 {
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"#,
                x + bar_width / 2.0,
                y - 4.0,
                bucket.occurrences
            );
        }
        let label_x = LEFT + slot * (index as f64 + 0.5);
        let label_y = TOP + plot_height + 14.0;
        let _ = writeln!(
            svg,
            r#"<text transform="translate({label_x:.1} {label_y:.1}) rotate(-45)" text-anchor="end">{}</text>"#,
            escape(&bucket.key)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten at or above `value`, so ticks read well.
fn nice_ceiling(value: f64) -> f64 {
    if value <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|step| step * magnitude)
        .find(|candidate| *candidate >= value)
        .unwrap_or(10.0 * magnitude)
}

fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_end_at_a_round_number() {
        assert_eq!(nice_ceiling(7.3), 10.0);
        assert_eq!(nice_ceiling(2.2), 2.5);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("\"a\" & <b>"), "&quot;a&quot; &amp; &lt;b&gt;");
    }
}
