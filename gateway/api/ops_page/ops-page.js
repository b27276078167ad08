// The operations page: asks GET /ops/pathway for every table of the chosen range, draws the
// tables and two charts, refreshes every 10 seconds (or on the button) without reloading, and
// retries an outbox destination's dead letters through POST /ops/outbox/{id}/retry. Same origin
// only: the page, its scripts and its data all come from this gateway (see the CSP it is served
// with); nothing is fetched from anywhere else.
'use strict';

(function () {
  // Okabe-Ito: distinguishable with every common colour-vision deficiency.
  const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
  const dashes = [[], [6, 4], [2, 3], [8, 3, 2, 3]];
  const refreshMs = 10000;
  const numeric = /(^referrals$|^triaged$|^contacted$|_hours$|^tasks$|^pending$|^dead$|^delivered$|_seconds$|_percent$|_known$|_eligible$|^recovered$|^reliable_|_with_scores$)/;

  const el = (id) => document.getElementById(id);
  const charts = {};
  let loading = false;

  function isoDay(d) { return d.toISOString().slice(0, 10); }

  function label(column) {
    const s = column.replace(/_/g, ' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  function setStatus(text, isError) {
    const s = el('status');
    s.textContent = text;
    s.classList.toggle('error', !!isError);
  }

  function range() { return { from: el('from').value, to: el('to').value }; }

  function query(extra) {
    const r = range();
    const p = new URLSearchParams({ from: r.from, to: r.to });
    if (extra) for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return p.toString();
  }

  async function problem(response) {
    try {
      const body = await response.json();
      if (body.resourceType === 'OperationOutcome' && body.issue && body.issue[0]) {
        const i = body.issue[0];
        return (i.diagnostics || i.code) + (i.expression ? ' (' + i.expression.join(', ') + ')' : '');
      }
      if (body.error) return body.error;
    } catch (e) { /* not JSON */ }
    return 'HTTP ' + response.status;
  }

  function cellText(v) { return v === null || v === undefined ? '' : String(v); }

  function buildTable(table) {
    const t = document.createElement('table');
    t.dataset.name = table.name;
    const caption = t.createCaption();
    caption.textContent = table.title + (table.rows.length ? '' : ': none in this range');
    const head = t.createTHead().insertRow();
    const columns = table.columns.slice();
    const retryable = table.name === 'outbox';
    for (const c of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = label(c);
      head.appendChild(th);
    }
    if (retryable) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = 'Action';
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const row of table.rows) {
      const tr = body.insertRow();
      row.forEach((v, i) => {
        const td = tr.insertCell();
        td.textContent = cellText(v);
        td.dataset.column = columns[i];
        if (numeric.test(columns[i])) td.className = 'num';
      });
      if (table.name === 'not_yet_accepted' && row[columns.indexOf('overdue')] === 'yes') tr.className = 'overdue';
      if (retryable) {
        const td = tr.insertCell();
        const ids = cellText(row[columns.indexOf('dead_items')]).split(' ').filter(Boolean);
        if (ids.length) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'retry';
          b.dataset.destination = row[columns.indexOf('destination')];
          b.textContent = 'Retry ' + ids.length + ' dead to ' + b.dataset.destination;
          b.addEventListener('click', () => retry(b, ids));
          td.appendChild(b);
        }
      }
    }
    return t;
  }

  function csvLink(table) {
    const a = document.createElement('a');
    a.className = 'csv';
    a.href = '/ops/pathway/' + encodeURIComponent(table.name) + '?' + query({ format: 'csv' });
    a.setAttribute('download', '');
    a.textContent = 'Download CSV';
    a.setAttribute('aria-label', 'Download CSV: ' + table.title);
    return a;
  }

  function renderTable(table) {
    const holder = document.querySelector('[data-table="' + table.name + '"]');
    if (!holder) return;
    const tools = document.createElement('div');
    tools.className = 'tools';
    tools.appendChild(csvLink(table));
    const scroller = document.createElement('div');
    scroller.tabIndex = 0;  // keyboard users can scroll a wide table
    scroller.setAttribute('role', 'region');
    scroller.setAttribute('aria-label', table.title);
    scroller.appendChild(buildTable(table));
    holder.replaceChildren(scroller, tools);
  }

  function drawChart(key, canvasId, config) {
    if (typeof Chart === 'undefined') return;
    if (charts[key]) {
      charts[key].data = config.data;
      charts[key].update('none');
      return;
    }
    config.options = Object.assign({ animation: false, responsive: true, maintainAspectRatio: false }, config.options);
    charts[key] = new Chart(el(canvasId), config);
  }

  function referralsChart(table) {
    const weeks = [...new Set(table.rows.map((r) => r[0]))].sort();
    const orgs = [...new Set(table.rows.map((r) => r[1]))].sort();
    const datasets = orgs.map((org, i) => ({
      label: org,
      backgroundColor: palette[i % palette.length],
      data: weeks.map((w) => { const r = table.rows.find((x) => x[0] === w && x[1] === org); return r ? r[2] : 0; }),
    }));
    drawChart('referrals', 'chart-referrals', {
      type: 'bar',
      data: { labels: weeks, datasets },
      options: { scales: { x: { stacked: true, title: { display: true, text: 'Week starting' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'Referrals' } } } },
    });
  }

  function waitsChart(table) {
    const c = (name) => table.columns.indexOf(name);
    const series = [['Triage median', 'triage_median_hours'], ['Triage 90th percentile', 'triage_p90_hours'],
      ['First contact median', 'contact_median_hours'], ['First contact 90th percentile', 'contact_p90_hours']];
    drawChart('waits', 'chart-waits', {
      type: 'line',
      data: {
        labels: table.rows.map((r) => r[0]),
        datasets: series.map(([name, column], i) => ({
          label: name, borderColor: palette[i], backgroundColor: palette[i], borderDash: dashes[i],
          pointStyle: ['circle', 'rect', 'triangle', 'rectRot'][i], spanGaps: true,
          data: table.rows.map((r) => r[c(column)]),
        })),
      },
      options: { scales: { x: { title: { display: true, text: 'Week received' } },
        y: { beginAtZero: true, title: { display: true, text: 'Hours' } } } },
    });
  }

  async function load() {
    if (loading) return;
    loading = true;
    try {
      const response = await fetch('/ops/pathway?' + query(), { cache: 'no-store', credentials: 'same-origin' });
      if (!response.ok) {
        setStatus('Could not load the figures: ' + await problem(response), true);
        return;
      }
      const report = await response.json();
      for (const table of report.tables) {
        renderTable(table);
        if (table.name === 'referrals_per_week') referralsChart(table);
        if (table.name === 'waiting_times') waitsChart(table);
      }
      setStatus('Figures for ' + report.from + ' to ' + report.to + ', updated ' + report.generated_at +
        (report.truncated ? ' (partial: the range holds more rows than one page can count)' : ''), false);
      document.body.dataset.generatedAt = report.generated_at;
    } catch (e) {
      setStatus('Could not load the figures: ' + e.message, true);
    } finally {
      loading = false;
    }
  }

  async function retry(button, ids) {
    button.disabled = true;
    let done = 0;
    const failures = [];
    for (const id of ids) {
      const response = await fetch('/ops/outbox/' + encodeURIComponent(id) + '/retry',
        { method: 'POST', credentials: 'same-origin' });
      if (response.ok) done += 1; else failures.push(await problem(response));
    }
    await load();
    setStatus('Retried ' + done + ' of ' + ids.length + ' dead item(s) to ' + button.dataset.destination +
      (failures.length ? ': ' + failures.join('; ') : ''), failures.length > 0);
  }

  function start() {
    const params = new URLSearchParams(window.location.search);
    const today = new Date();
    const from = new Date(today.getTime() - 83 * 86400000);
    el('to').value = params.get('to') || isoDay(today);
    el('from').value = params.get('from') || isoDay(from);
    el('range').addEventListener('submit', (event) => { event.preventDefault(); load(); });
    el('refresh').addEventListener('click', () => load());
    setInterval(() => { if (el('live').checked && !document.hidden) load(); }, refreshMs);
    load();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
