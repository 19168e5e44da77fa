// Atrium operations console: GraphQL over the signed-in client's own token, nothing else.
//
// Sign-in exchanges the client id and secret for an access token at /oauth/token (client
// credentials); both stay in this page's memory only and a new token is fetched before the
// old one expires. Every operation is a trusted document sent by its SHA-256
// (/console/documents.json). Live updates come over graphql-transport-ws at /graphql.
// Data is written into the page with textContent only, never as HTML.

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const TOKEN_MARGIN_MS = 30_000;
const PAGE = 25;

const session = { clientId: null, secret: null, token: null, expiresAt: 0, hashes: null };
const runs = new Map(); // run id (node id) -> table row
let live = null;
let tilesTimer = null;

// ---- talking to the gateway -------------------------------------------------------------

class ConsoleError extends Error {}

async function problemText(response) {
  try {
    const body = await response.json();
    return body.detail || body.error_description || body.title || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function accessToken() {
  if (session.token && Date.now() < session.expiresAt - TOKEN_MARGIN_MS) return session.token;
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: session.clientId,
    client_secret: session.secret,
  });
  const response = await fetch("/oauth/token", { method: "POST", body });
  if (!response.ok) throw new ConsoleError(`Sign-in refused: ${await problemText(response)}`);
  const grant = await response.json();
  session.token = grant.access_token;
  session.expiresAt = Date.now() + grant.expires_in * 1000;
  return session.token;
}

function persisted(name) {
  const sha256Hash = session.hashes[name];
  if (!sha256Hash) throw new ConsoleError(`The console has no operation '${name}'.`);
  return { persistedQuery: { version: 1, sha256Hash } };
}

// Runs a named operation; partial data comes back with its errors shown as a notice.
async function gql(name, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${await accessToken()}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ variables, extensions: persisted(name) }),
  });
  if (!response.ok) throw new ConsoleError(await problemText(response));
  const payload = await response.json();
  const errors = (payload.errors || []).map((e) => e.message);
  if (!payload.data) throw new ConsoleError(errors.join("; ") || "No data");
  if (errors.length) notify(errors.join("; "), true);
  return payload.data;
}

// ---- small DOM helpers ------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else if (key === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function notify(message, isError = false) {
  const notice = $("notice");
  notice.textContent = message;
  notice.classList.toggle("error", isError);
}

function fail(error) {
  notify(error instanceof Error ? error.message : String(error), true);
}

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

const fmtNumber = (v) => (v === null || v === undefined ? "–" : number.format(Number(v)));
const fmtPercent = (v) => (v === null || v === undefined ? "–" : percent.format(Number(v)));
const fmtTime = (v) => (v ? when.format(new Date(v)) : "–");

function keysCell(keys) {
  const cell = el("td", { class: "keys" });
  for (const [name, value] of Object.entries(keys || {})) {
    cell.append(el("code", { text: `${name}:${value}` }));
  }
  return cell;
}

function statusBadge(status) {
  return el("span", { class: "status", "data-status": status, text: status });
}

function busy(node, on) {
  node.setAttribute("aria-busy", on ? "true" : "false");
}

// ---- KPI tiles ---------------------------------------------------------------------------

const TILES = [
  ["timeToBillHours", "Time to bill", "h", fmtNumber],
  ["staffingActivationHours", "Staffing activation", "h", fmtNumber],
  ["exceptionRate", "Exception rate", "", fmtPercent],
  ["openExceptions", "Open exceptions", "", fmtNumber],
  ["syncCompleteness", "Sync completeness", "", fmtPercent],
];

async function loadTiles() {
  const list = $("kpis");
  busy(list, true);
  try {
    const { integrationHealth: health } = await gql("tiles");
    list.replaceChildren(
      ...TILES.map(([key, label, unit, format]) =>
        el(
          "li",
          { class: "tile", "data-kpi": key },
          el("span", { class: "label", text: label }),
          el("span", { class: "value", text: format(health.kpis[key]) }, unit ? el("span", { class: "unit", text: ` ${unit}` }) : null),
        ),
      ),
    );
    const owners = health.openExceptionsByOwner || [];
    $("owners").replaceChildren(
      ...(owners.length ? owners.map((o) => el("li", { text: `${o.owner}: ${o.count}` })) : [el("li", { class: "empty", text: "None open." })]),
    );
    const breaches = health.slaBreaches || [];
    $("breaches").replaceChildren(
      ...(breaches.length
        ? breaches.map((b) => el("li", {}, el("span", { class: "breached", text: `${b.count} ` }), b.description))
        : [el("li", { class: "empty", text: "No SLA breaches." })]),
    );
    list.dataset.asOf = health.asOf;
  } finally {
    busy(list, false);
  }
}

function refreshTilesSoon() {
  clearTimeout(tilesTimer);
  tilesTimer = setTimeout(() => loadTiles().catch(fail), 1500);
}

// ---- utilization chart -------------------------------------------------------------------

function previousMonth() {
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return month.toISOString().slice(0, 7);
}

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== null) node.textContent = text;
  return node;
}

function utilizationChart(rows, period) {
  const shown = rows.slice(0, 30);
  const barHeight = 20;
  const gap = 8;
  const labelWidth = 180;
  const width = 760;
  const plot = width - labelWidth - 70;
  const height = shown.length * (barHeight + gap) + 24;
  const max = Math.max(1, ...shown.map((r) => Math.max(Number(r.availableHours), Number(r.billableHours) + Number(r.nonBillableHours))));
  const scale = (hours) => (Number(hours) / max) * plot;
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": `Billable and non-billable hours against available hours, ${period}`,
  });
  shown.forEach((row, index) => {
    const y = index * (barHeight + gap);
    const billable = scale(row.billableHours);
    const nonBillable = scale(row.nonBillableHours);
    const available = scale(row.availableHours);
    const bar = (cls, x, w) => svg("rect", { class: cls, x, y, width: w, height: barHeight });
    const label = row.label.length > 26 ? `${row.label.slice(0, 25)}…` : row.label;
    const group = svg("g");
    chart.append(group);
    group.append(
      svg("title", {}, `${row.label}: ${fmtNumber(row.billableHours)} h billable, ${fmtNumber(row.nonBillableHours)} h non-billable of ${fmtNumber(row.availableHours)} h available (${fmtPercent(row.utilization)})`),
      svg("text", { x: labelWidth - 8, y: y + barHeight * 0.7, "text-anchor": "end" }, label),
      bar("billable", labelWidth, billable),
      bar("nonbillable", labelWidth + billable, nonBillable),
      bar("capacity", labelWidth, available),
      svg("text", { x: labelWidth + Math.max(available, billable + nonBillable) + 6, y: y + barHeight * 0.7 }, fmtPercent(row.utilization)),
    );
  });
  return chart;
}

async function loadUtilization() {
  const chart = $("util-chart");
  const period = $("util-period").value;
  const groupBy = $("util-group").value;
  busy(chart, true);
  try {
    const { utilization } = await gql("utilization", { period, groupBy });
    const rows = [...utilization.rows].sort((a, b) => Number(b.utilization ?? 0) - Number(a.utilization ?? 0));
    const legend = el(
      "div",
      { class: "legend" },
      el("span", {}, el("span", { class: "swatch billable" }), "Billable"),
      el("span", {}, el("span", { class: "swatch nonbillable" }), "Non-billable"),
      el("span", { text: "Dashed: available (capacity minus leave)" }),
      el("span", { text: `Total ${fmtPercent(utilization.total.utilization)} · ${utilization.start} – ${utilization.end}` }),
    );
    const note = rows.length > 30 ? el("p", { class: "empty", text: `The 30 most utilized of ${rows.length}; all are in the table.` }) : null;
    chart.replaceChildren(rows.length ? utilizationChart(rows, utilization.period) : el("p", { class: "empty", text: "No hours in this period." }), legend, note || "");
    $("util-table").tBodies[0].replaceChildren(
      ...rows.map((r) =>
        el(
          "tr",
          {},
          el("th", { scope: "row", text: r.label }),
          el("td", { class: "num", text: fmtNumber(r.billableHours) }),
          el("td", { class: "num", text: fmtNumber(r.nonBillableHours) }),
          el("td", { class: "num", text: fmtNumber(r.capacityHours) }),
          el("td", { class: "num", text: fmtNumber(r.leaveHours) }),
          el("td", { class: "num", text: fmtPercent(r.utilization) }),
        ),
      ),
    );
  } finally {
    busy(chart, false);
  }
}

// ---- exception queue ---------------------------------------------------------------------

function queueRow(exception) {
  const row = el("tr", { "data-exception": exception.id });
  const canAct = exception.status === "OPEN" || exception.status === "CLAIMED";
  const button = (label, action) =>
    el("button", {
      type: "button",
      text: label,
      "aria-label": `${label} ${exception.title}`,
      on: { click: () => openAction(action, exception) },
    });
  const actions = el("td", { class: "actions" });
  if (canAct) {
    if (exception.status === "OPEN") actions.append(button("Claim", "claim"));
    if (exception.kind === "PARKED_RUN") actions.append(button("Resume", "resume"));
    actions.append(button("Retry", "retry"), button("Cancel", "cancel"));
  }
  row.append(
    el("td", {}, el("strong", { text: exception.title }), el("span", { class: "sub", text: `${exception.errorType} · ${exception.flow || exception.kind} · ${exception.exceptionId}` })),
    el("td", { text: exception.owner }),
    el("td", {}, statusBadge(exception.status), exception.claimedBy ? el("span", { class: "sub", text: `by ${exception.claimedBy}` }) : null),
    keysCell(exception.businessKeys),
    el("td", { class: exception.slaBreached ? "breached" : null, text: fmtTime(exception.slaDueAt) }),
    actions,
  );
  return row;
}

async function loadQueue() {
  const status = $("queue-status").value || null;
  const { exceptions } = await gql("queue", { status, first: PAGE });
  const rows = exceptions.edges.map((e) => queueRow(e.node));
  $("queue").tBodies[0].replaceChildren(...rows);
  $("queue-empty").hidden = rows.length > 0;
}

function upsertQueueRow(exception) {
  const body = $("queue").tBodies[0];
  const existing = body.querySelector(`tr[data-exception="${CSS.escape(exception.id)}"]`);
  const wanted = $("queue-status").value;
  const belongs = !wanted || wanted === exception.status;
  if (existing && belongs) existing.replaceWith(queueRow(exception));
  else if (existing) existing.remove();
  else if (belongs) body.prepend(queueRow(exception));
  $("queue-empty").hidden = body.rows.length > 0;
}

const ACTIONS = {
  claim: { title: "Claim", data: false, noteLabel: "Note (optional)", required: false },
  resume: { title: "Resume with corrected data", data: true, noteLabel: "Note (optional)", required: false },
  retry: { title: "Retry from the failed step", data: false, noteLabel: "Note (optional)", required: false },
  cancel: { title: "Cancel", data: false, noteLabel: "Reason (required)", required: true },
};

function openAction(action, exception) {
  const spec = ACTIONS[action];
  const dialog = $("act");
  dialog.dataset.action = action;
  dialog.dataset.exception = exception.id;
  $("act-title").textContent = `${spec.title}: ${exception.title}`;
  $("act-context").textContent = exception.detail;
  $("act-data-field").hidden = !spec.data;
  $("act-data").value = "";
  $("act-note-label").textContent = spec.noteLabel;
  $("act-note").value = "";
  $("act-note").required = spec.required;
  $("act-error").textContent = "";
  dialog.showModal();
  (spec.data ? $("act-data") : $("act-note")).focus();
}

async function confirmAction(event) {
  event.preventDefault();
  const dialog = $("act");
  if (event.submitter && event.submitter.value === "cancel") {
    dialog.close();
    return;
  }
  const action = dialog.dataset.action;
  const id = dialog.dataset.exception;
  const note = $("act-note").value.trim() || null;
  let variables = { id, note };
  if (action === "cancel") {
    if (!note) {
      $("act-error").textContent = "Give a reason for cancelling.";
      return;
    }
    variables = { id, reason: note };
  }
  if (action === "resume") {
    const text = $("act-data").value.trim();
    try {
      const data = text ? JSON.parse(text) : null;
      if (data !== null && (typeof data !== "object" || Array.isArray(data))) throw new Error("not an object");
      variables.data = data;
    } catch {
      $("act-error").textContent = "Corrected data must be a JSON object, e.g. {\"accounting_period\": \"2026-09\"}.";
      return;
    }
  }
  $("act-confirm").disabled = true;
  try {
    const data = await gql(action, variables);
    const exception = Object.values(data)[0];
    if (!exception) {
      $("act-error").textContent = "The gateway refused the action (see the notice above).";
      return;
    }
    dialog.close();
    upsertQueueRow(exception);
    notify(`${ACTIONS[action].title}: ${exception.exceptionId} is ${exception.status.toLowerCase()}.`);
    refreshTilesSoon();
  } catch (error) {
    $("act-error").textContent = error.message;
  } finally {
    $("act-confirm").disabled = false;
  }
}

// ---- flow runs ---------------------------------------------------------------------------

function runRow(run) {
  const steps = run.steps || [];
  const list = el("ol", { class: "steps" });
  for (const step of steps) {
    list.append(el("li", { text: `${step.name} ${step.succeeded ? "✓" : "✗"}${step.durationMs === null ? "" : ` ${step.durationMs} ms`}` }));
  }
  const details = el("details", {}, el("summary", { text: `${steps.length} step${steps.length === 1 ? "" : "s"}` }), list);
  return el(
    "tr",
    { "data-run": run.id, "data-run-id": run.runId },
    el("td", {}, el("strong", { text: run.flow }), el("span", { class: "sub", text: run.runId })),
    el("td", {}, statusBadge(run.status)),
    keysCell(run.businessKeys),
    el("td", { text: fmtTime(run.createdAt) }),
    el("td", {}, steps.length ? details : el("span", { class: "empty", text: "–" })),
  );
}

async function loadRuns() {
  const flow = $("runs-flow").value || null;
  const { flowRuns } = await gql("runs", { flow, first: PAGE });
  runs.clear();
  const rows = flowRuns.edges.map((e) => {
    const row = runRow(e.node);
    runs.set(e.node.id, row);
    return row;
  });
  $("runs").tBodies[0].replaceChildren(...rows);
  $("runs-empty").hidden = rows.length > 0;
}

function runShown(runId) {
  return [...runs.values()].some((row) => row.dataset.runId === runId);
}

function upsertRun(run) {
  const wanted = $("runs-flow").value;
  if (wanted && wanted !== run.flow) return;
  const row = runRow(run);
  const existing = runs.get(run.id);
  if (existing) existing.replaceWith(row);
  else $("runs").tBodies[0].prepend(row);
  runs.set(run.id, row);
  $("runs-empty").hidden = true;
}

// ---- lineage -----------------------------------------------------------------------------

async function loadLineage() {
  const target = $("lineage");
  const key = $("lineage-key").value.trim();
  busy(target, true);
  try {
    const { lineage } = await gql("lineage", { key });
    const runsList = el("ul", { class: "plain" });
    for (const run of lineage.runs || []) {
      const steps = el("ol", { class: "steps" });
      for (const step of run.steps || []) {
        const ids = Object.entries(step.upstreamIds || {}).map(([k, v]) => `${k}=${v}`).join(", ");
        steps.append(el("li", { text: `${step.name} ${step.succeeded ? "✓" : "✗"}${ids ? ` — ${ids}` : ""}` }));
      }
      runsList.append(el("li", {}, el("strong", { text: `${run.flow} ` }), statusBadge(run.status), ` ${run.runId} · ${fmtTime(run.createdAt)}`, steps));
    }
    const exceptionsList = el("ul", { class: "plain" });
    for (const exception of lineage.exceptions || []) {
      exceptionsList.append(el("li", {}, statusBadge(exception.status), ` ${exception.title} (${exception.owner}, ${exception.exceptionId})`));
    }
    const eventsList = el("ul", { class: "plain" });
    for (const event of lineage.events || []) {
      eventsList.append(el("li", { text: `${fmtTime(event.time)} ${event.type}${event.subject ? ` — ${event.subject}` : ""}` }));
    }
    const section = (title, list, empty) => [el("h3", { text: title }), list.childElementCount ? list : el("p", { class: "empty", text: empty })];
    target.replaceChildren(
      ...section(`Runs touching ${lineage.key}`, runsList, "No runs."),
      ...section("Exceptions", exceptionsList, "No exceptions."),
      ...section("Events", eventsList, "No events."),
    );
  } finally {
    busy(target, false);
  }
}

// ---- live updates (graphql-transport-ws) -------------------------------------------------

function setLive(state, text) {
  const badge = $("live");
  badge.dataset.state = state;
  badge.textContent = text;
}

class LiveFeed {
  constructor() {
    this.socket = null;
    this.stopped = false;
    this.retry = 1000;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    if (this.socket) this.socket.close(1000, "signed out");
    setLive("off", "Live updates off");
  }

  async connect() {
    if (this.stopped) return;
    let token;
    try {
      token = await accessToken();
    } catch (error) {
      this.later();
      return;
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/graphql`, "graphql-transport-ws");
    this.socket = socket;
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${token}` } }));
    });
    socket.addEventListener("message", (message) => this.receive(socket, JSON.parse(message.data)));
    socket.addEventListener("close", () => {
      if (this.socket === socket) this.later();
    });
  }

  later() {
    if (this.stopped) return;
    setLive("retrying", "Live updates reconnecting…");
    setTimeout(() => this.connect(), this.retry);
    this.retry = Math.min(this.retry * 2, 30_000);
  }

  receive(socket, message) {
    switch (message.type) {
      case "connection_ack":
        setLive("on", "Live");
        socket.send(JSON.stringify({ id: "runs", type: "subscribe", payload: { variables: {}, extensions: persisted("runsLive") } }));
        socket.send(JSON.stringify({ id: "queue", type: "subscribe", payload: { variables: {}, extensions: persisted("queueLive") } }));
        break;
      case "ping":
        socket.send(JSON.stringify({ type: "pong" }));
        break;
      case "next":
        this.retry = 1000; // a feed that delivers is healthy: the next outage starts over
        if (message.payload.errors) notify(message.payload.errors.map((e) => e.message).join("; "), true);
        if (message.payload.data?.runStatusChanged) {
          upsertRun(message.payload.data.runStatusChanged);
          refreshTilesSoon();
        }
        if (message.payload.data?.exceptionOpened) {
          const exception = message.payload.data.exceptionOpened;
          upsertQueueRow(exception);
          refreshTilesSoon();
          // The run behind it may have parked before this page saw it start: show it.
          if (exception.runId && !runShown(exception.runId)) loadRuns().catch(fail);
        }
        break;
      case "error":
      case "complete":
        // The server refused or ended a subscription (an expired token, say): start over
        // with a fresh token, backing off if it keeps happening.
        if (message.type === "error") notify(message.payload.map((e) => e.message).join("; "), true);
        socket.close(1000, "resubscribe");
        break;
      default:
        break;
    }
  }
}

// ---- sign in / out and wiring --------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  session.clientId = $("client-id").value.trim();
  session.secret = $("client-secret").value;
  session.token = null;
  notify("Signing in…");
  try {
    if (!session.hashes) {
      const response = await fetch("/console/documents.json");
      if (!response.ok) throw new ConsoleError(await problemText(response));
      session.hashes = await response.json();
    }
    await accessToken();
  } catch (error) {
    session.secret = null;
    fail(error);
    return;
  }
  $("client-secret").value = "";
  $("sign-in").hidden = true;
  $("signed-in").hidden = false;
  $("who").textContent = `Signed in as ${session.clientId}`;
  $("main").hidden = false;
  notify("Loading the dashboard…");
  live = new LiveFeed();
  live.start();
  const loads = [loadQueue(), loadRuns(), loadUtilization(), loadTiles()];
  const results = await Promise.allSettled(loads);
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length) fail(failed[0].reason);
  else notify("Dashboard loaded.");
}

function signOut() {
  if (live) live.stop();
  Object.assign(session, { clientId: null, secret: null, token: null, expiresAt: 0 });
  $("main").hidden = true;
  $("signed-in").hidden = true;
  $("sign-in").hidden = false;
  notify("Signed out.");
  $("client-secret").focus();
}

function onSubmit(id, load) {
  $(id).addEventListener("submit", (event) => {
    event.preventDefault();
    load().catch(fail);
  });
}

$("util-period").value = previousMonth();
$("sign-in").addEventListener("submit", signIn);
$("sign-out").addEventListener("click", signOut);
$("refresh-kpis").addEventListener("click", () => loadTiles().catch(fail));
$("act-form").addEventListener("submit", confirmAction);
onSubmit("util-form", loadUtilization);
onSubmit("queue-form", loadQueue);
onSubmit("runs-form", loadRuns);
onSubmit("lineage-form", loadLineage);
