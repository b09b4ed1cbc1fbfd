'use strict';
// The admin page's chart of old against new: every 5 s, per bundle, the last 10 minutes of calls/s,
// error rate and p99 of each loaded version (GET /v1/bundles/{name}/series), drawn with uPlot
// (served by the admin API from its WebJar), old and new in two colours, with the swaps, canary
// steps, rollbacks and shadow starts and ends marked on the time axis. All data goes into the page as text, never as HTML.
(function () {
  const POLL_MILLIS = 5000;
  const SPAN_SECONDS = 600;
  const COLOURS = { old: '#2f6fed', new: '#e8590c' };
  const EVENT_COLOURS = { swap: '#667085', canary: '#7a5af8', promote: '#067647', rollback: '#b42318', shadow: '#0e9384' };
  const METRICS = [
    { key: 'rate', title: 'calls/s', value: (p, step) => p.calls / (step / 1000) },
    { key: 'errors', title: 'error rate %', value: p => (p.calls === 0 ? null : 100 * p.failures / p.calls) },
    { key: 'p99', title: 'p99 ms', value: p => (p.calls === 0 ? null : p.p99Micros / 1000) },
  ];
  const container = document.getElementById('charts');
  const charts = new Map(); // bundle -> {element, key, plots, events}

  async function getJson(path) {
    const response = await fetch(path, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error('GET ' + path + ' answered HTTP ' + response.status);
    }
    return response.json();
  }

  function columns(series, metric) {
    const starts = new Set();
    series.versions.forEach(v => v.points.forEach(p => starts.add(p.startMillis)));
    const xs = Array.from(starts).sort((a, b) => a - b);
    const data = [xs.map(x => (x + series.stepMillis) / 1000)];
    series.versions.forEach(v => {
      const byStart = new Map(v.points.map(p => [p.startMillis, p]));
      data.push(xs.map(x => (byStart.has(x) ? metric.value(byStart.get(x), series.stepMillis) : null)));
    });
    return data;
  }

  function markEvents(state, labelled) {
    return u => {
      const ctx = u.ctx;
      const top = u.bbox.top;
      const bottom = top + u.bbox.height;
      ctx.save();
      ctx.font = Math.round(11 * devicePixelRatio) + 'px system-ui, sans-serif';
      state.events.forEach((e, i) => {
        const x = u.valToPos(e.atMillis / 1000, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) {
          return;
        }
        ctx.strokeStyle = ctx.fillStyle = EVENT_COLOURS[e.kind] || '#667085';
        ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
        ctx.lineWidth = devicePixelRatio;
        ctx.beginPath();
        ctx.moveTo(x, top);
        ctx.lineTo(x, bottom);
        ctx.stroke();
        if (labelled) {
          ctx.fillText(e.text, x + 3 * devicePixelRatio, top + (12 + 12 * (i % 3)) * devicePixelRatio);
        }
      });
      ctx.restore();
    };
  }

  function create(bundle, series) {
    const element = document.createElement('div');
    element.className = 'chart';
    element.dataset.bundle = bundle;
    const heading = document.createElement('h3');
    heading.textContent = bundle;
    element.appendChild(heading);
    const row = document.createElement('div');
    row.className = 'plots';
    element.appendChild(row);
    const list = document.createElement('ul');
    list.className = 'events muted';
    element.appendChild(list);
    container.appendChild(element);
    const state = { element, list, events: series.events, key: key(series), now: series.now };
    state.plots = METRICS.map((metric, index) => {
      const holder = document.createElement('div');
      holder.className = 'plot ' + metric.key;
      row.appendChild(holder);
      const options = {
        title: metric.title,
        width: 440,
        height: 220,
        scales: { x: { time: true, range: () => [state.now / 1000 - SPAN_SECONDS, state.now / 1000] }, y: { range: (u, min, max) => [0, Math.max(max || 0, metric.key === 'errors' ? 1 : 0.001) * 1.1] } },
        series: [{}].concat(series.versions.map(v => ({
          label: v.version + ' (' + v.role + ')',
          stroke: COLOURS[v.side],
          width: 2,
          spanGaps: false,
        }))),
        hooks: { draw: [markEvents(state, index === 0)] },
      };
      return new uPlot(options, columns(series, metric), holder);
    });
    charts.set(bundle, state);
    return state;
  }

  function key(series) {
    return series.versions.map(v => v.version + '|' + v.role + '|' + v.side).join(',');
  }

  function render(bundle, series) {
    let state = charts.get(bundle);
    if (state && state.key !== key(series)) {
      state.plots.forEach(plot => plot.destroy());
      state.element.remove();
      charts.delete(bundle);
      state = null;
    }
    if (!state) {
      state = create(bundle, series);
    } else {
      state.events = series.events;
      state.now = series.now;
      state.plots.forEach((plot, i) => plot.setData(columns(series, METRICS[i])));
    }
    state.element.dataset.versions = series.versions.map(v => v.version + ' (' + v.role + ')').join(', ');
    state.element.dataset.points = series.versions.map(v => v.points.filter(p => p.calls > 0).length).join(',');
    state.element.dataset.marks = series.events.map(e => e.kind).join(',');
    state.list.replaceChildren(...series.events.map(e => {
      const item = document.createElement('li');
      item.textContent = new Date(e.atMillis).toLocaleTimeString() + ' ' + e.text;
      return item;
    }));
  }

  async function poll() {
    try {
      const answer = await getJson('/v1/bundles');
      const names = answer.bundles.filter(b => b.active).map(b => b.name);
      for (const [bundle, state] of charts) {
        if (!names.includes(bundle)) {
          state.plots.forEach(plot => plot.destroy());
          state.element.remove();
          charts.delete(bundle);
        }
      }
      for (const name of names) {
        render(name, await getJson('/v1/bundles/' + encodeURIComponent(name) + '/series'));
      }
    } catch (e) {
      console.warn('the chart could not update: ' + e.message); // the table's poll shows the error banner
    }
  }

  poll();
  setInterval(poll, POLL_MILLIS);
}());
