// sparetire dashboard: plain JS, no build step. Every value from devices is put in the page as text
// (textContent), never as HTML, so a hostile hostname or syslog line cannot run script here.
'use strict';

const S = { csrf: null, csrfHeader: 'X-CSRF-Token', tokenRequired: false, live: null };
const main = () => document.getElementById('main');

function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined) continue;
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return e;
}

async function api(path) {
  const r = await fetch(path, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
  if (r.status === 401) { showLogin(); throw new Error('sign in required'); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}

async function post(path, form) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (S.csrf) headers[S.csrfHeader] = S.csrf;
  const r = await fetch(path, { method: 'POST', credentials: 'same-origin', headers,
    body: new URLSearchParams(form || {}).toString() });
  let body = {};
  try { body = await r.json(); } catch (e) { /* empty body */ }
  return { status: r.status, body };
}

// ---- formatting ---------------------------------------------------------------------------------

function fmtBytes(n) {
  if (n === null || n === undefined || n < 0) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0; let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[i];
}
const fmtRate = (bps) => bps > 0 ? fmtBytes(bps) + '/s' : '';
function fmtSeconds(s) {
  if (s === null || s === undefined || s < 0) return '';
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' m ' + (s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' m';
}
function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}
function fmtDateTime(iso) { return iso ? new Date(iso).toLocaleString([], { hour12: false }) : ''; }
function durationMs(t) { return new Date(t.updatedAt) - new Date(t.startedAt); }

function deviceLink(mac, address, label) {
  const key = mac || address;
  if (!key) return '';
  return el('a', { href: '/device/' + encodeURIComponent(key), class: 'mono device-link' }, label || key);
}

function progressBar(t) {
  const f = t.fraction;
  const pct = f < 0 ? null : Math.round(f * 100);
  const cls = 'bar' + (t.outcome === 'completed' ? ' done' : (t.outcome && t.outcome !== 'completed' ? ' failed' : ''));
  const fill = el('div', { class: 'fill' });
  fill.style.width = (pct === null ? 0 : pct) + '%';
  return el('div', { class: cls, role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': pct === null ? null : String(pct), dataset: { percent: pct === null ? '' : String(pct) } }, fill,
    el('span', { class: 'label' }, pct === null ? (t.active ? fmtBytes(t.bytes) : '') : pct + '%'));
}

function table(id, headers) {
  const tbody = el('tbody');
  const t = el('table', { id }, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))), tbody);
  return { table: t, tbody };
}
function emptyRow(tbody, cols, text) {
  if (!tbody.querySelector('tr:not(.empty)')) {
    if (!tbody.querySelector('tr.empty')) tbody.append(el('tr', { class: 'empty' }, el('td', { colspan: cols }, text)));
  } else {
    tbody.querySelectorAll('tr.empty').forEach((r) => r.remove());
  }
}

// ---- live updates -------------------------------------------------------------------------------

function connectLive(handlers) {
  const badge = document.getElementById('live');
  const es = new EventSource('/api/events');
  S.live = es;
  es.onopen = () => { badge.textContent = 'live'; badge.className = 'live on'; };
  es.onerror = () => { badge.textContent = 'offline'; badge.className = 'live off'; };
  for (const [topic, fn] of Object.entries(handlers)) {
    es.addEventListener(topic, (e) => { try { fn(JSON.parse(e.data)); } catch (err) { console.error(err); } });
  }
  // Missed updates while the browser lagged: fetch the page's data again.
  es.addEventListener('resync', () => handlers.resync && handlers.resync());
}

function throttled(fn, ms) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; fn(); }, ms);
  };
}

// ---- pages --------------------------------------------------------------------------------------

const inParens = (s) => s ? ' (' + s + ')' : '';

/** "Point your device here": this machine's addresses per interface and the folders, from /api/overview. */
function hereSection(h) {
  const rows = h.addresses.map((a) => el('tr', {}, el('td', { class: 'iface' }, a.interface),
    el('td', { class: 'mono address' }, a.address + '/' + a.prefixLength)));
  if (!rows.length) rows.push(el('tr', {}, el('td', { colspan: 2 }, 'No interface with an address is up.')));
  const folders = [['TFTP folder', h.tftpRoot], ['Upload inbox', h.uploads], ['Syslog folder', h.syslogDir]]
    .filter(([, v]) => v).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', { class: 'mono folder' }, v)));
  return el('section', { id: 'here', class: 'here' }, el('h3', {}, 'Point your device here'),
    el('div', { class: 'muted' }, 'The server address for a device is this machine\'s address on the interface it is cabled to.'
      + (h.tftpPort > 0 && h.tftpPort !== 69 ? ' TFTP answers on port ' + h.tftpPort + '.' : '')),
    el('table', { id: 'here-addresses' }, el('tbody', {}, rows)),
    el('table', { id: 'here-folders' }, el('tbody', {}, folders)),
    h.tftpRoot ? el('a', { href: '/files' }, 'Files and the commands that fetch them →') : null);
}

/** Copies text; the Clipboard API where the page may use it, else a selected textarea. */
async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) { await navigator.clipboard.writeText(text); return true; }
  } catch (e) { /* falls back below */ }
  const area = el('textarea', { class: 'offscreen' });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}

async function filesPage(root) {
  root.append(el('h2', {}, 'Files'));
  const body = el('div', { id: 'files' });
  root.append(body);
  const f = await api('/api/files');
  if (!f.enabled) { body.append(el('div', { class: 'muted' }, 'TFTP is off: there are no files to offer.')); return; }
  const h = f.here;
  const pick = el('select', { id: 'files-address' }, h.addresses.map((a, i) => el('option', { value: String(i) },
    a.interface + '  ' + a.address)));
  const preferred = h.addresses.findIndex((a) => a.ipv4);
  if (preferred >= 0) pick.value = String(preferred);
  body.append(el('div', { class: 'muted' }, 'Served from ', el('span', { class: 'mono' }, h.tftpRoot),
    '. Nothing here changes a file.'),
    el('label', {}, 'The device is on ', pick));
  if (!h.addresses.length) body.append(el('div', { class: 'result-bad' }, 'No interface with an address is up.'));
  const { table: t, tbody } = table('files-table', ['Name', 'Size', 'Modified', 'SHA-256', 'Fetch it with']);
  body.append(t);
  if (f.truncated) body.append(el('div', { class: 'muted' }, 'Only the first ' + f.files.length + ' files are listed.'));
  function commands(file) {
    const list = file.commands[Number(pick.value)] || [];
    return el('div', { class: 'commands' }, list.map((c) => {
      const status = el('span', { class: 'muted copied' });
      return el('div', { class: 'command', dataset: { client: c.client } }, el('span', { class: 'client' }, c.client),
        el('code', { class: 'mono' }, c.text),
        el('button', { type: 'button', class: 'copy', onclick: async () => {
          status.textContent = (await copyText(c.text)) ? 'copied' : 'select and copy';
        } }, 'Copy'), status);
    }));
  }
  function render() {
    tbody.replaceChildren();
    for (const file of f.files) {
      const hash = el('td', { class: 'mono sha256' }, el('button', { type: 'button', onclick: async (e) => {
        e.target.disabled = true;
        try {
          const r = await api('/api/files/sha256?name=' + encodeURIComponent(file.name));
          hash.replaceChildren(r.sha256);
        } catch (err) { hash.replaceChildren(String(err.message || err)); }
      } }, 'compute'));
      tbody.append(el('tr', { dataset: { name: file.name } }, el('td', { class: 'mono name' }, file.name),
        el('td', {}, fmtBytes(file.size)), el('td', {}, fmtDateTime(file.modified)), hash, el('td', {}, commands(file))));
    }
    emptyRow(tbody, 5, 'The TFTP folder is empty: put a file in ' + h.tftpRoot + '.');
  }
  pick.addEventListener('change', render);
  render();
  connectLive({});
}

async function overviewPage(root) {
  root.append(el('h2', {}, 'Overview'));
  const body = el('div', { id: 'overview' });
  root.append(body);
  async function load() {
    const o = await api('/api/overview');
    body.replaceChildren();
    if (o.here) body.append(hereSection(o.here));
    body.append(el('div', { class: 'cards', id: 'services' }, o.services.map((s) => el('div', { class: 'card service', dataset: { service: s.name } },
      el('div', { class: 'name' }, s.name), el('div', { class: 'state-' + s.state }, s.state),
      s.endpoints.map((e) => el('div', { class: 'mono' }, e.role + '/' + e.protocol + ' ' + e.address)),
      el('div', { class: 'muted' }, s.detail)))));
    if (o.warnings.length) {
      body.append(el('h3', {}, 'Warnings'), el('ul', { class: 'warnings', id: 'warnings' },
        o.warnings.map((w) => el('li', {}, fmtDateTime(w.at) + ' ' + w.service + ': ' + w.message))));
    }
    const t = o.totals;
    const outcomes = Object.entries(t.transfersByOutcome).map(([k, v]) => k + ' ' + v).join(', ') || 'none yet';
    body.append(el('h3', {}, 'Since start'), el('table', { id: 'totals' }, el('tbody', {},
      el('tr', {}, el('th', {}, 'Transfers'), el('td', {}, outcomes)),
      el('tr', {}, el('th', {}, 'Active transfers'), el('td', {}, t.activeTransfers)),
      el('tr', {}, el('th', {}, 'Bytes sent / received'), el('td', {}, fmtBytes(t.bytesSent) + ' / ' + fmtBytes(t.bytesReceived))),
      el('tr', {}, el('th', {}, 'Retransmits'), el('td', {}, t.retransmits)),
      el('tr', {}, el('th', {}, 'Lease events'), el('td', {}, t.leaseEvents + inParens(Object.entries(o.leaseStates)
        .filter(([, v]) => v > 0).map(([k, v]) => k + ' ' + v).join(', ')))),
      el('tr', {}, el('th', {}, 'Syslog messages'), el('td', {}, t.syslogReceived
        + (t.syslogDropped !== undefined ? ' (' + t.syslogDropped + ' dropped)' : ''))))));
    if (o.pools.length) {
      body.append(el('h3', {}, 'Pools'), el('table', {}, el('tbody', {}, o.pools.map((p) => el('tr', {},
        el('td', {}, p.name), el('td', {}, progressBar({ fraction: p.utilisation, active: true })),
        el('td', {}, p.used + ' of ' + p.size))))));
    }
    body.append(el('h3', {}, 'History kept (used / limit)'), el('div', { class: 'muted' },
      Object.entries(o.history).map(([k, v]) => k + ' ' + v).join(' · ')));
  }
  await load();
  const reload = throttled(load, 1000);
  connectLive({ warning: reload, service: reload, transfer: reload, lease: reload, syslog: reload, resync: load });
}

async function transfersPage(root) {
  const params = new URLSearchParams(location.search);
  const q = el('input', { id: 'transfer-filter', type: 'search', placeholder: 'file, peer or MAC', value: params.get('q') || '' });
  const outcome = el('select', { id: 'outcome-filter' }, ['', 'completed', 'refused', 'peer-aborted', 'timed-out', 'failed']
    .map((o) => el('option', { value: o, selected: o === (params.get('outcome') || '') }, o || 'any outcome')));
  const direction = el('select', { id: 'direction-filter' }, ['', 'read', 'write']
    .map((o) => el('option', { value: o, selected: o === (params.get('direction') || '') }, o || 'both directions')));
  // A device's transfers, when reached from its timeline: exact MAC or address, not a text match.
  let device = params.get('device') || '';
  const deviceChip = el('span', { id: 'device-filter', class: 'muted' });
  function showDeviceChip() {
    deviceChip.replaceChildren();
    if (device) {
      deviceChip.append('device ', deviceLink(device.includes(':') && device.length === 17 ? device : null, device), ' ',
        el('button', { type: 'button', onclick: () => { device = ''; showDeviceChip(); onFilter(); } }, '✕'));
    }
  }
  const active = table('active-transfers', ['Device', 'File', 'Dir', 'Progress', 'Bytes', 'Rate', 'ETA', 'Retx', 'Options']);
  const recent = table('recent-transfers', ['Finished', 'Device', 'File', 'Dir', 'Outcome', 'Progress', 'Bytes', 'Rate', 'Time', 'Retx', 'Detail']);
  root.append(el('h2', {}, 'Transfers'),
    el('div', { class: 'filters' }, q, outcome, direction, deviceChip),
    el('h3', {}, 'Live'), active.table, el('h3', {}, 'Recent'), recent.table);

  const matches = (t) => {
    const needle = q.value.trim().toLowerCase();
    return (!needle || [t.file, t.peer, t.mac].some((v) => v && v.toLowerCase().includes(needle)))
      && (!outcome.value || t.outcome === outcome.value)
      && (!direction.value || t.direction === direction.value)
      && (!device || t.mac === device.toLowerCase() || t.address === device);
  };
  function activeRow(t) {
    return el('tr', { class: 'transfer', dataset: { id: String(t.id) } },
      el('td', {}, deviceLink(t.mac, t.address, t.mac ? t.mac + ' ' + t.peer : t.peer)),
      el('td', { class: 'mono file' }, t.file), el('td', {}, t.direction), el('td', {}, progressBar(t)),
      el('td', { class: 'num' }, fmtBytes(t.bytes) + (t.expectedBytes >= 0 ? ' / ' + fmtBytes(t.expectedBytes) : '')),
      el('td', { class: 'num' }, t.stalledSeconds >= 0 ? '' : fmtRate(t.bytesPerSecond)),
      el('td', { class: 'num eta' }, t.stalledSeconds >= 0
        ? el('span', { class: 'stalled', title: 'no answer for longer than its retransmit timeout' }, 'stalled ' + t.stalledSeconds + ' s')
        : fmtSeconds(t.etaSeconds)),
      el('td', { class: 'num' }, t.retransmits),
      el('td', { class: 'mono' }, Object.entries(t.options).map(([k, v]) => k + '=' + v).join(' ')));
  }
  function recentRow(t) {
    return el('tr', { class: 'transfer', dataset: { id: String(t.id) } },
      el('td', {}, fmtTime(t.updatedAt)),
      el('td', {}, deviceLink(t.mac, t.address, t.mac ? t.mac + ' ' + t.peer : t.peer)),
      el('td', { class: 'mono file' }, t.file), el('td', {}, t.direction),
      el('td', { class: 'outcome outcome-' + t.outcome }, t.outcome), el('td', {}, progressBar(t)),
      el('td', { class: 'num' }, fmtBytes(t.bytes)), el('td', { class: 'num' }, fmtRate(t.bytesPerSecond)),
      el('td', { class: 'num' }, durationMs(t) + ' ms'), el('td', { class: 'num' }, t.retransmits),
      el('td', {}, t.detail, t.savedAs ? el('span', { class: 'saved-as' }, (t.detail ? ' · ' : '') + 'saved as ',
        el('span', { class: 'mono' }, t.savedAs)) : null));
  }
  async function load() {
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    if (outcome.value) p.set('outcome', outcome.value);
    if (direction.value) p.set('direction', direction.value);
    if (device) p.set('device', device);
    const data = await api('/api/transfers?' + p);
    active.tbody.replaceChildren(...data.active.map(activeRow));
    recent.tbody.replaceChildren(...data.recent.map(recentRow));
    emptyRow(active.tbody, 9, 'no transfer running');
    emptyRow(recent.tbody, 11, 'no transfer finished yet');
  }
  const onFilter = () => {
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    if (outcome.value) p.set('outcome', outcome.value);
    if (direction.value) p.set('direction', direction.value);
    if (device) p.set('device', device);
    history.replaceState(null, '', '/transfers' + (p.toString() ? '?' + p : ''));
    load();
  };
  q.addEventListener('input', onFilter);
  showDeviceChip();
  [outcome, direction].forEach((c) => c.addEventListener('change', onFilter));
  await load();
  connectLive({
    transfer: (t) => {
      const existing = active.tbody.querySelector('tr[data-id="' + t.id + '"]');
      if (t.active) {
        if (!matches(t)) return;
        if (existing) existing.replaceWith(activeRow(t)); else active.tbody.append(activeRow(t));
      } else {
        if (existing) existing.remove();
        if (matches(t)) {
          recent.tbody.prepend(recentRow(t));
          while (recent.tbody.rows.length > 500) recent.tbody.lastChild.remove();
        }
      }
      emptyRow(active.tbody, 9, 'no transfer running');
      emptyRow(recent.tbody, 11, 'no transfer finished yet');
    },
    resync: load,
  });
}

async function leasesPage(root) {
  const state = el('select', { id: 'lease-state' }, ['', 'bound', 'offered', 'proxy', 'released', 'expired', 'declined', 'naked']
    .map((s) => el('option', { value: s }, s || 'any state')));
  const result = el('span', { id: 'lease-result', class: 'muted' });
  const t = table('leases', ['MAC', 'Address', 'Hostname', 'Vendor class', 'Architecture', 'Class', 'Boot file', 'State', 'Expires', '']);
  root.append(el('h2', {}, 'Leases'), el('div', { class: 'filters' }, state, result), t.table);
  const pools = el('div', { id: 'pools' });
  root.append(pools);
  function row(l) {
    const left = l.secondsLeft >= 0 ? (l.state === 'bound' || l.state === 'offered' ? 'in ' + fmtSeconds(l.secondsLeft) : fmtDateTime(l.expires)) : '';
    const release = (l.state === 'bound' || l.state === 'offered') ? el('button', { class: 'release', onclick: async () => {
      if (!confirm('Release the lease of ' + l.mac + inParens(l.address) + '?')) return;
      const r = await post('/api/leases/' + encodeURIComponent(l.mac) + '/release');
      result.textContent = r.status === 200 ? 'released ' + l.mac
        : r.status === 501 ? 'releasing leases is not supported by this DHCP service yet'
        : (r.body.error || r.body.result || ('HTTP ' + r.status));
      load();
    } }, 'Release') : '';
    return el('tr', { class: 'lease', dataset: { mac: l.mac } },
      el('td', {}, deviceLink(l.mac, null)), el('td', {}, l.address ? deviceLink(null, l.address) : ''),
      el('td', {}, l.hostname || ''), el('td', {}, l.vendorClass || ''),
      el('td', {}, l.architecture >= 0 ? l.architecture + ' ' + l.architectureName : ''),
      el('td', {}, l.matchedClass || ''), el('td', { class: 'mono' }, l.bootFile || ''),
      el('td', { class: 'lease-state' }, l.state), el('td', {}, left), el('td', {}, release));
  }
  async function load() {
    const data = await api('/api/leases' + (state.value ? '?state=' + state.value : ''));
    t.tbody.replaceChildren(...data.leases.map(row));
    emptyRow(t.tbody, 10, 'no lease yet');
    pools.replaceChildren();
    if (data.pools.length) {
      pools.append(el('h3', {}, 'Pools'), el('table', {}, el('tbody', {}, data.pools.map((p) => el('tr', {},
        el('td', {}, p.name), el('td', {}, progressBar({ fraction: p.utilisation, active: true })), el('td', {}, p.used + ' of ' + p.size))))));
    }
  }
  state.addEventListener('change', load);
  await load();
  connectLive({
    lease: (l) => {
      if (state.value && l.state !== state.value) return;
      const existing = t.tbody.querySelector('tr[data-mac="' + CSS.escape(l.mac) + '"]');
      if (existing) existing.remove();
      t.tbody.prepend(row(l));
      emptyRow(t.tbody, 10, 'no lease yet');
    },
    resync: load,
  });
}

const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

async function syslogPage(root) {
  const params = new URLSearchParams(location.search);
  const device = el('input', { id: 'syslog-device', type: 'search', placeholder: 'MAC, address or host', value: params.get('device') || '' });
  const severity = el('select', { id: 'syslog-severity' }, el('option', { value: '' }, 'any severity'),
    SEVERITIES.map((s) => el('option', { value: s, selected: s === params.get('severity') }, s + ' and worse')));
  const q = el('input', { id: 'syslog-q', type: 'search', placeholder: 'text' });
  const pause = el('input', { id: 'syslog-pause', type: 'checkbox' });
  const t = table('syslog', ['Time', 'Device', 'Severity', 'Host', 'App', 'Message']);
  root.append(el('h2', {}, 'Syslog'), el('div', { class: 'filters' }, device, severity, q,
    el('label', {}, pause, ' pause')), t.table);
  let lastSeq = 0;
  const matches = (l) => {
    const d = device.value.trim().toLowerCase();
    const maxSev = SEVERITIES.indexOf(severity.value);
    const needle = q.value.trim().toLowerCase();
    return (!d || [l.mac, l.address, l.hostname].some((v) => v && v.toLowerCase() === d))
      && (maxSev < 0 || (l.severity >= 0 && l.severity <= maxSev))
      && (!needle || [l.message, l.app, l.hostname].some((v) => v && v.toLowerCase().includes(needle)));
  };
  function row(l) {
    return el('tr', { class: 'syslog-line sev-' + l.severity, dataset: { seq: String(l.seq) } },
      el('td', {}, fmtTime(l.at)), el('td', {}, deviceLink(l.mac, l.address, l.mac ? l.mac + ' ' + l.address : l.address)),
      el('td', {}, l.severityName), el('td', {}, l.hostname || ''), el('td', {}, l.app || ''),
      el('td', { class: 'mono message' }, l.message));
  }
  async function load() {
    const p = new URLSearchParams({ limit: '500' });
    if (device.value.trim()) p.set('device', device.value.trim());
    if (severity.value) p.set('severity', severity.value);
    if (q.value.trim()) p.set('q', q.value.trim());
    const data = await api('/api/syslog?' + p);
    t.tbody.replaceChildren(...data.lines.map(row));
    lastSeq = data.lines.length ? data.lines[0].seq : lastSeq;
    emptyRow(t.tbody, 6, 'no message yet');
  }
  [device, q].forEach((c) => c.addEventListener('input', load));
  severity.addEventListener('change', load);
  pause.addEventListener('change', () => { if (!pause.checked) load(); });
  await load();
  connectLive({
    syslog: (l) => {
      if (pause.checked || !matches(l) || l.seq <= lastSeq) return;
      lastSeq = l.seq;
      t.tbody.prepend(row(l));
      while (t.tbody.rows.length > 1000) t.tbody.lastChild.remove();
      emptyRow(t.tbody, 6, 'no message yet');
    },
    resync: () => { if (!pause.checked) load(); },
  });
}

async function devicesPage(root) {
  const t = table('devices', ['Device', 'Address', 'Hostname', 'Vendor class', 'Last seen', 'Entries']);
  root.append(el('h2', {}, 'Devices'), t.table);
  async function load() {
    const data = await api('/api/devices');
    t.tbody.replaceChildren(...data.devices.map((d) => el('tr', {},
      el('td', {}, deviceLink(d.mac, d.key)), el('td', {}, d.address ? deviceLink(null, d.address) : ''),
      el('td', {}, d.hostname || ''), el('td', {}, d.vendorClass || ''), el('td', {}, fmtDateTime(d.lastSeen)),
      el('td', { class: 'num' }, d.entries))));
    emptyRow(t.tbody, 6, 'no device seen yet');
  }
  await load();
  connectLive({ timeline: throttled(load, 1000), resync: load });
}

async function devicePage(root, key) {
  const data = await api('/api/devices/' + encodeURIComponent(key));
  const title = el('h2', { id: 'device-title' }, 'Device ', el('span', { class: 'mono' }, data.key));
  root.append(title);
  const facts = el('div', { id: 'device-facts', class: 'muted' });
  if (data.kind === 'mac' && data.lease) {
    const l = data.lease;
    facts.append('lease: ' + l.state + (l.address ? ' ' + l.address : '') + (l.hostname ? ' · ' + l.hostname : '')
      + (l.vendorClass ? ' · ' + l.vendorClass : '') + (l.architecture >= 0 ? ' · arch ' + l.architecture + ' ' + l.architectureName : '')
      + (l.matchedClass ? ' · class ' + l.matchedClass : '') + (l.bootFile ? ' · boot ' + l.bootFile : ''));
  } else if (data.kind === 'address') {
    facts.append(data.holder ? el('span', {}, 'leased now to ', deviceLink(data.holder, null)) : 'no lease holds this address now');
    facts.append(' · entries from every device that used this address');
  }
  root.append(facts, el('div', { class: 'filters' },
    el('a', { href: '/transfers?device=' + encodeURIComponent(data.key) }, 'transfers'),
    el('a', { href: '/syslog?device=' + encodeURIComponent(data.key) }, 'syslog')));
  const list = el('ol', { class: 'timeline', id: 'timeline' });
  root.append(list);
  function item(e) {
    const details = Object.entries(e.details);
    return el('li', { class: 'entry kind-' + e.kind, dataset: { seq: String(e.seq), at: e.at } },
      el('span', { class: 'when' }, fmtDateTime(e.at)), el('span', { class: 'kind' }, e.kind),
      data.kind === 'address' && e.mac ? el('span', {}, deviceLink(e.mac, null), ' ') : '',
      data.kind === 'mac' && e.address ? el('span', { class: 'mono muted' }, e.address + ' ') : '',
      el('span', { class: 'summary' }, e.summary),
      details.length ? el('details', {}, el('summary', {}, 'details'),
        el('div', { class: 'mono' }, details.map(([k, v]) => el('div', {}, k + ': ' + v)))) : '');
  }
  list.append(...data.entries.map(item));
  if (!data.entries.length) list.append(el('li', { class: 'empty muted' }, 'nothing recorded for this device yet'));
  connectLive({
    timeline: (e) => {
      const mine = data.kind === 'mac' ? e.mac === data.key : e.address === data.key;
      if (!mine) return;
      list.querySelectorAll('li.empty').forEach((x) => x.remove());
      // Keep time order when a service reports late: insert before the first later entry.
      const later = [...list.querySelectorAll('li.entry')].find((li) => new Date(li.dataset.at) > new Date(e.at));
      if (later) later.before(item(e)); else list.append(item(e));
    },
    resync: () => location.reload(),
  });
}

async function configPage(root) {
  const data = await api('/api/config');
  // data is refreshed after an applied reload
  const result = el('div', { id: 'reload-result' });
  const button = el('button', { id: 'reload', onclick: async () => {
    button.disabled = true;
    result.replaceChildren(el('span', { class: 'muted' }, 'reloading…'));
    try {
      const r = await post('/api/reload');
      showReload(r);
    } finally {
      button.disabled = false;
    }
  } }, 'Reload config');
  root.append(el('h2', {}, 'Config'), el('div', { class: 'muted' }, 'in force: ' + (data.source || '(none)')),
    el('div', { class: 'filters' }, button, result));
  const source = el('div', { class: 'source', id: 'config-source' });
  let lines = [];
  function renderSource() {
    source.replaceChildren();
    lines = (data.text || '').split('\n');
    lines.forEach((text, i) => source.append(el('div', { class: 'line', dataset: { line: String(i + 1) } },
      el('span', { class: 'no' }, String(i + 1)), el('span', { class: 'text' }, text))));
  }
  function showReload(r) {
    renderSource();
    const b = r.body;
    if (r.status === 403 || r.status === 401) {
      result.replaceChildren(el('span', { class: 'result-bad' }, b.error || 'refused'));
      return;
    }
    if (b.applied) {
      result.replaceChildren(el('span', { class: 'result-ok' }, 'applied'),
        el('span', { class: 'muted' }, ' ' + (b.changes.length ? b.changes.join('; ') : 'nothing changed')));
      // The file and the effective config may have changed: show what is in force now.
      api('/api/config').then((fresh) => {
        data.text = fresh.text;
        data.effective = fresh.effective;
        renderSource();
        const effective = document.getElementById('config-effective');
        if (effective) effective.textContent = fresh.effective || '';
      }).catch(() => {});
      return;
    }
    result.replaceChildren(el('span', { class: 'result-bad' }, 'rejected: ' + (b.problems || []).length
      + ' problem(s); the running config stays'), el('ul', { id: 'reload-problems' },
      (b.problems || []).map((p) => el('li', { class: 'mono' }, p.text))),
      b.error ? el('div', {}, b.error) : '');
    // Inline: each problem under its line, with a caret at its column.
    for (const p of (b.problems || [])) {
      const line = source.querySelector('.line[data-line="' + p.line + '"]');
      if (!line) continue;
      line.classList.add('has-problem');
      const marker = el('div', { class: 'problem', dataset: { line: String(p.line), column: String(p.column) } },
        ' '.repeat(Math.max(0, p.column - 1)) + '^ ' + p.line + ':' + p.column + ' ' + p.message);
      let after = line;
      while (after.nextSibling && after.nextSibling.classList.contains('problem')) after = after.nextSibling;
      after.after(marker);
    }
  }
  if (data.text !== null) {
    renderSource();
    root.append(el('h3', {}, 'File'), source);
  }
  root.append(el('h3', {}, 'Effective (defaults filled in, secrets hidden)'),
    el('pre', { class: 'effective', id: 'config-effective' }, data.effective || ''));
  connectLive({});
}

function showLogin() {
  const root = main();
  root.replaceChildren();
  const input = el('input', { id: 'token', type: 'password', autocomplete: 'current-password', placeholder: 'access token' });
  const msg = el('div', { class: 'result-bad', id: 'login-error' });
  root.append(el('form', { class: 'login', id: 'login', onsubmit: async (ev) => {
    ev.preventDefault();
    const r = await post('/api/login', { token: input.value });
    if (r.status === 200) location.reload();
    else msg.textContent = r.body.error || ('HTTP ' + r.status);
  } }, el('h2', {}, 'Sign in'), el('div', { class: 'muted' }, 'This dashboard needs the access token (web.token).'),
  input, el('button', { type: 'submit' }, 'Sign in'), msg));
}

async function start() {
  const session = await (await fetch('/api/session', { credentials: 'same-origin' })).json();
  S.csrf = session.csrf;
  S.csrfHeader = session.csrfHeader || S.csrfHeader;
  S.tokenRequired = session.tokenRequired;
  if (!session.authenticated) { showLogin(); return; }
  const parts = location.pathname.split('/').filter(Boolean);
  const page = parts[0] || 'overview';
  const nav = document.getElementById('nav-' + (page === 'device' ? 'devices' : page));
  if (nav) nav.classList.add('current');
  document.title = 'sparetire · ' + page;
  const root = main();
  root.replaceChildren();
  try {
    switch (page) {
      case 'transfers': await transfersPage(root); break;
      case 'leases': await leasesPage(root); break;
      case 'syslog': await syslogPage(root); break;
      case 'devices': await devicesPage(root); break;
      case 'device': await devicePage(root, decodeURIComponent(parts.slice(1).join('/'))); break;
      case 'config': await configPage(root); break;
      case 'files': await filesPage(root); break;
      default: await overviewPage(root);
    }
  } catch (e) {
    if (!document.getElementById('login')) root.append(el('div', { class: 'result-bad' }, String(e.message || e)));
  }
}

document.addEventListener('DOMContentLoaded', start);
