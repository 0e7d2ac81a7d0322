/** The console's stylesheet, served as /assets/console.css (the CSP allows no inline style). */
export const STYLESHEET = `
:root { color-scheme: light; --fg: #1d2330; --muted: #5b6475; --line: #d9dee7; --ok: #1f7a3a; --bad: #b42318; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: #f6f7f9; }
header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #1d2330; color: #fff; }
header .brand { font-weight: 700; letter-spacing: .04em; }
header .td { color: #aab3c5; }
header nav { display: flex; gap: 1rem; flex: 1; }
header nav a { color: #d6dbe6; text-decoration: none; }
header nav a[aria-current="page"] { color: #fff; border-bottom: 2px solid #7aa7ff; }
#live { font-size: 12px; padding: .1rem .5rem; border-radius: 1rem; background: #44506a; }
#live[data-state="live"] { background: var(--ok); }
#live[data-state="offline"], #live[data-state="reconnecting"] { background: var(--bad); }
main { padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.35rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.6rem 0 .6rem; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { white-space: nowrap; background: #eef1f6; font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
a { color: #1f5fd6; }
code { font: 12px ui-monospace, monospace; }
.state { white-space: nowrap; display: inline-block; min-width: 5.5em; text-align: center; padding: 0 .4rem; border-radius: .3rem; font-size: 12px; font-weight: 600; color: #fff; background: #667085; }
.state-active, .state-renewed { background: var(--ok); }
.state-spawned, .state-prepared { background: #3b6fd1; }
.state-revoked, .state-tainted { background: var(--bad); }
.state-released, .state-expired, .state-old { background: #98a2b3; }
.counts .count { margin-right: 1rem; }
.verdict { padding: .6rem .8rem; border-radius: .3rem; font-weight: 600; }
.verdict.ok { background: #e7f5ec; color: var(--ok); }
.verdict.broken { background: #fdecea; color: var(--bad); }
tr.broken td { background: #fdecea; }
.signed { color: var(--ok); }
.bad, .outcome-denied, .outcome-error { color: var(--bad); }
.tree { list-style: none; padding-left: 1.4rem; border-left: 2px solid var(--line); }
.tree .node { padding: .25rem 0; }
.meta { color: var(--muted); margin-left: .4rem; }
.authority li { margin: .35rem 0; }
.authority .human { font-size: 1.05rem; }
form.search { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-bottom: 1rem; }
form.search input { font: 13px ui-monospace, monospace; padding: .35rem; flex: 1; min-width: 20rem; }
.problem { color: var(--bad); font-weight: 600; }
.figures { display: flex; gap: 1rem; flex-wrap: wrap; margin: 0 0 1rem; }
.figures div { background: #fff; border: 1px solid var(--line); padding: .4rem .8rem; border-radius: .3rem; }
.figures dt { color: var(--muted); font-size: 12px; }
.figures dd { margin: 0; font-size: 1.2rem; font-weight: 600; }
.pages { margin-top: .8rem; display: flex; gap: 1rem; }
.covered { margin: 0; padding-left: 1rem; }
`;
