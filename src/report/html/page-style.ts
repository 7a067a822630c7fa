// The report's only stylesheet, inlined so the file works offline and alone.
// Mode colours are Okabe-Ito blue and orange (readable with the common colour-vision deficiencies);
// failure is also marked by hatching and ✕, never by colour alone.
export const PAGE_STYLE = `
:root { --pre: #0072b2; --post: #e69f00; --fail: #c62828; --tx: #009e73; --rx: #aa4499; --ink: #1d232a; --muted: #5f6b76; --rule: #dde2e6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1140px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 14px 0 6px; }
.meta, .muted { color: var(--muted); font-size: 13px; }
.meta code { font-size: 12px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; font-size: 13px; margin-left: 8px; vertical-align: 3px; }
.badge.ok { background: #e3f4ea; color: #1b6b3a; }
.badge.failed { background: #fde7e7; color: var(--fail); }
.badge.interrupted { background: #fff1d6; color: #7a4b00; }
.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.card .value { font-size: 20px; font-weight: 650; }
.card .label { font-size: 12px; color: var(--muted); }
.card .note { font-size: 11px; color: var(--muted); }
.card.alert { border-color: var(--fail); }
.card.alert .value { color: var(--fail); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.vm { font-weight: 600; white-space: nowrap; }
td.reason { color: var(--muted); font-size: 12px; min-width: 200px; }
.table-scroll { overflow-x: auto; }
td.move, td.host { white-space: nowrap; }
table.contention { width: auto; }
tr.row-failed td { background: #fff5f5; }
.chip { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; white-space: nowrap; }
.chip.mode-pre-copy { background: var(--pre); color: #fff; }
.chip.mode-post-copy { background: var(--post); color: #1d232a; }
span.status { white-space: nowrap; }
span.status-failed { color: var(--fail); font-weight: 700; }
span.status-skipped { color: #7a4b00; }
.legend-row { display: flex; flex-wrap: wrap; gap: 16px; font-size: 12px; color: var(--muted); margin: 4px 0 8px; }
.swatch { display: inline-block; width: 22px; height: 11px; border-radius: 2px; vertical-align: -1px; margin-right: 5px; }
.swatch.pre { background: var(--pre); }
.swatch.post { background: var(--post); }
.swatch.failed { background: repeating-linear-gradient(45deg, var(--fail) 0 2px, #f4c7c7 2px 5px); border: 1px solid var(--fail); }
.swatch.prelude { background: #e6eaee; }
.swatch.wave { height: 0; border-top: 2px dashed #55606a; border-radius: 0; vertical-align: 3px; }
.swatch.wait { height: 0; border-top: 2px dotted #555; border-radius: 0; vertical-align: 3px; }
.swatch.tx { height: 0; border-top: 2px solid var(--tx); border-radius: 0; vertical-align: 3px; }
.swatch.rx { height: 0; border-top: 2px dashed var(--rx); border-radius: 0; vertical-align: 3px; }
svg { display: block; width: 100%; height: auto; font-family: inherit; }
svg text { fill: var(--ink); font-size: 12px; }
svg .tick, svg .legend { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: #eceff1; stroke-width: 1; }
svg .axis { stroke: #9aa5ae; stroke-width: 1; }
svg .group { font-weight: 650; }
svg .group-rule { stroke: var(--rule); }
svg .prelude { fill: #e6eaee; }
svg .chart-title { font-weight: 600; }
svg .empty { fill: var(--muted); }
.timeline .mode-pre-copy .attempt { fill: var(--pre); }
.timeline .mode-post-copy .attempt { fill: var(--post); }
.timeline .attempt.failed { opacity: 0.35; }
.timeline .attempt-hatch { fill: url(#hatch-failed); stroke: var(--fail); stroke-width: 1.2; }
.timeline .hatch { fill: var(--fail); }
.timeline .estimate { fill: none; stroke: #444; stroke-width: 1; stroke-dasharray: 3 2; }
.timeline .retry-wait { stroke: #555; stroke-width: 1.5; stroke-dasharray: 2 2; }
.timeline .fail-mark { fill: var(--fail); font-weight: 700; }
.timeline text.status { fill: var(--muted); font-size: 11px; }
.timeline text.status-failed { fill: var(--fail); font-weight: 700; }
.timeline .bar:hover .attempt { filter: brightness(1.15); }
.timeline .wave-line { stroke: #55606a; stroke-width: 1; stroke-dasharray: 4 3; }
.timeline .wave-label { fill: #55606a; font-size: 11px; font-weight: 600; }
.timeline .fold-label { font-size: 10px; }
path.line-tx, line.line-tx { fill: none; stroke: var(--tx); stroke-width: 1.8; }
path.line-rx, line.line-rx { fill: none; stroke: var(--rx); stroke-width: 1.8; stroke-dasharray: 5 3; }
.chart-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
figure { margin: 0; }
figcaption { font-size: 12px; color: var(--muted); }
.host-charts h3 { margin-top: 18px; }
.failure { border-left: 4px solid var(--fail); padding: 4px 12px; margin: 10px 0; background: #fff7f7; }
.failure h3 { margin: 4px 0; color: var(--fail); }
.failure p { margin: 4px 0; }
.recovery code { white-space: pre-wrap; word-break: break-word; }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); }
@media (max-width: 800px) { .chart-pair { grid-template-columns: 1fr; } }
@media print { main { max-width: none; } h2 { break-after: avoid; } .host-charts { break-inside: avoid; } }
`;
