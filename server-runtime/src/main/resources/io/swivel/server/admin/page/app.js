'use strict';
// The admin page: polls the admin API every second (the HttpOnly swivel_token_<port> cookie that
// the sign-in set authorizes it; this script never sees the token),
// shows the bundles, the live call rate, the last events and what ZooKeeper lists, and rolls back or undeploys
// after a confirmation. All data goes into the page as text, never as HTML.
(function () {
  const POLL_MILLIS = 1000;
  const bundlesBody = document.querySelector('#bundles tbody');
  const servicesBody = document.querySelector('#services tbody');
  const banner = document.getElementById('banner');
  const notice = document.getElementById('notice');
  const dialog = document.getElementById('confirm');
  let previous = null; // {at, calls: Map of "bundle|version|sha" -> calls} of the last poll
  let polling = false;
  let lastServices = null;

  async function signOut() {
    try { // the server clears the cookie: no script can
      await fetch('/v1/signout', { method: 'POST', cache: 'no-store', headers: { 'X-Swivel-Request': '1' } });
    } finally {
      window.location.replace('/');
    }
  }

  async function api(method, path) {
    const init = { method, cache: 'no-store', headers: { Accept: 'application/json' } };
    if (method !== 'GET') {
      init.headers['X-Swivel-Request'] = '1'; // required with the cookie: a cross-site form cannot send it
      init.headers['Content-Type'] = 'application/json';
      init.body = '{}';
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new Error('the server does not answer ' + method + ' ' + path + ' (' + e.message + ')');
    }
    if (response.status === 401) {
      window.location.replace('/'); // the token changed: the sign-in page says so and clears the cookie
      throw new Error('signed out');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      throw new Error(method + ' ' + path + ' answered HTTP ' + response.status + ' without JSON');
    }
    if (!response.ok) {
      throw new Error(method + ' ' + path + ': ' + (body && body.message ? body.message : 'HTTP ' + response.status));
    }
    return body;
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function button(label, className, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.className = className;
    b.addEventListener('click', onClick);
    return b;
  }

  function generations(bundle) {
    return [bundle.active, bundle.standby].filter((v) => v);
  }

  /** Calls per second per bundle, from the change of each generation's finished calls. */
  function rates(bundles, now) {
    const calls = new Map();
    const perBundle = new Map();
    for (const bundle of bundles) {
      let delta = 0;
      for (const v of generations(bundle)) {
        const key = bundle.name + '|' + v.version + '|' + v.sha256;
        calls.set(key, v.calls);
        const before = previous ? previous.calls.get(key) : undefined;
        if (before !== undefined) {
          delta += v.calls >= before ? v.calls - before : v.calls; // counters restart when a standby returns
        } else if (previous) {
          delta += v.calls; // a generation that appeared since the last poll
        }
      }
      perBundle.set(bundle.name, previous ? delta / Math.max(0.001, (now - previous.at) / 1000) : null);
    }
    previous = { at: now, calls };
    return perBundle;
  }

  const rowsByBundle = new Map(); // bundle name -> {row, cells, bundle}: rows are updated in place

  function setText(element, text) {
    const value = text === null || text === undefined ? '' : String(text);
    if (element.textContent !== value) {
      element.textContent = value; // untouched cells keep a selection and a hovered button steady
    }
  }

  function bundleRow(name) {
    let entry = rowsByBundle.get(name);
    if (entry) {
      return entry;
    }
    const row = document.createElement('tr');
    row.dataset.bundle = name;
    const cells = {};
    for (const column of ['name', 'active-version', 'state', 'num in-flight', 'num rate', 'num calls', 'num failed',
      'standby-version', 'history', 'error', 'actions']) {
      cells[column.split(' ').pop()] = cell(row, '', column);
    }
    entry = { row, cells, bundle: null };
    cells.actions.appendChild(button('Rollback', 'rollback', () => {
      const bundle = entry.bundle;
      confirmThen('Roll back ' + bundle.name + ' ' + bundle.active.version + ' to '
          + (bundle.standby ? 'standby ' + bundle.standby.version : 'the previous version in history') + '?',
        'Rollback', 'POST', '/v1/bundles/' + encodeURIComponent(bundle.name) + '/rollback');
    }));
    cells.actions.appendChild(button('Undeploy', 'undeploy danger', () => {
      const bundle = entry.bundle;
      confirmThen('Undeploy ' + bundle.name + ' ' + bundle.active.version + '? Its jar leaves the deploy directory '
          + '(history keeps a copy) and its services stop serving here.',
        'Undeploy', 'POST', '/v1/bundles/' + encodeURIComponent(bundle.name) + '/undeploy');
    }));
    rowsByBundle.set(name, entry);
    return entry;
  }

  function renderBundles(answer) {
    const now = performance.now();
    const bundles = answer.bundles || [];
    const perBundle = rates(bundles, now);
    let total = null;
    const seen = new Set();
    bundles.forEach((bundle, index) => {
      const entry = bundleRow(bundle.name);
      const cells = entry.cells;
      entry.bundle = bundle;
      seen.add(bundle.name);
      const active = bundle.active;
      const rate = perBundle.get(bundle.name);
      if (rate !== null) {
        total = (total || 0) + rate;
      }
      setText(cells.name, bundle.name);
      setText(cells['active-version'], active ? active.version : '–');
      setText(cells.state, active ? active.state : (bundle.standby ? 'STANDBY only' : 'FAILED'));
      setText(cells['in-flight'], generations(bundle).reduce((n, v) => n + v.inFlight, 0));
      setText(cells.rate, rate === null ? '…' : rate.toFixed(1));
      setText(cells.calls, active ? active.calls : '');
      setText(cells.failed, active ? active.failedCalls : '');
      setText(cells['standby-version'], bundle.standby
        ? bundle.standby.version + ' (' + bundle.standby.state.toLowerCase()
          + (bundle.probationEndsAt ? ', probation until ' + new Date(bundle.probationEndsAt).toLocaleTimeString() : '') + ')'
        : '–');
      setText(cells.history, (bundle.history || []).map((h) => h.version).join(', '));
      setText(cells.error, bundle.lastError || (bundle.rolledBack
        ? 'rolled back from ' + bundle.rolledBack.fromVersion + ' by ' + bundle.rolledBack.by : ''));
      cells.error.title = bundle.lastErrorAt ? new Date(bundle.lastErrorAt).toLocaleString() : '';
      cells.error.classList.toggle('is-error', Boolean(bundle.lastError));
      for (const b of cells.actions.querySelectorAll('button')) {
        b.disabled = !active;
      }
      // a rollback needs somewhere to go: the standby, or another version in history
      const rollback = cells.actions.querySelector('button.rollback');
      const elsewhere = Boolean(bundle.standby)
        || (bundle.history || []).some((h) => !active || h.version !== active.version);
      rollback.disabled = !active || !elsewhere;
      rollback.title = active && !elsewhere ? 'Nothing to roll back to: ' + bundle.name + ' has only '
        + active.version + ' in its history' : '';
      if (bundlesBody.children[index] !== entry.row) {
        bundlesBody.insertBefore(entry.row, bundlesBody.children[index] || null);
      }
    });
    for (const [name, entry] of rowsByBundle) {
      if (!seen.has(name)) {
        entry.row.remove();
        rowsByBundle.delete(name);
      }
    }
    document.getElementById('no-bundles').hidden = bundles.length > 0;
    setText(document.getElementById('rate'), total === null ? '–' : total.toFixed(1));
    const leaks = answer.closedNotCollected || [];
    setText(document.getElementById('leaks'), leaks.length ? 'Closed classloaders not yet collected: ' + leaks.join('; ') : '');
  }

  function renderServices(answer) {
    const zookeeper = document.getElementById('zookeeper');
    if (answer.zookeeper === 'none') {
      zookeeper.textContent = 'This server registers nowhere (--zookeeper none).';
    } else {
      zookeeper.textContent = 'ZooKeeper ' + answer.zookeeper + (answer.connected === false ? ' (disconnected)' : '');
    }
    const key = JSON.stringify(answer.services || {});
    if (key === lastServices) {
      return; // unchanged: keep the rows (and any selection in them)
    }
    lastServices = key;
    const rows = [];
    for (const [service, instances] of Object.entries(answer.services || {})) {
      for (const instance of instances) {
        const row = document.createElement('tr');
        cell(row, service, 'service');
        cell(row, instance.host + ':' + instance.port, 'instance');
        cell(row, instance.bundle);
        cell(row, instance.version, 'version');
        cell(row, instance.weight, 'num');
        rows.push(row);
      }
    }
    servicesBody.replaceChildren(...rows);
  }

  const EVENTS_SHOWN = 20;
  const eventsBody = document.querySelector('#events tbody');
  let lastEvents = null;

  function duration(seconds) {
    const d = Math.floor(seconds / 86400);
    const h = Math.floor(seconds % 86400 / 3600);
    const m = Math.floor(seconds % 3600 / 60);
    const s = seconds % 60;
    return d > 0 ? d + 'd ' + h + 'h' : h > 0 ? h + 'h ' + m + 'm' : m > 0 ? m + 'm ' + s + 's' : s + 's';
  }

  /** The server's version, uptime and ZooKeeper state, and its last events (newest first). */
  function renderEvents(answer) {
    const server = answer.server || {};
    const zk = server.zookeeper || {};
    setText(document.getElementById('server-info'), 'Swivel ' + server.version + ' · up ' + duration(server.uptimeSeconds || 0)
      + ' · ZooKeeper ' + (zk.connectString === 'none' ? 'none' : (zk.connected ? 'connected' : 'disconnected')));
    const events = answer.events || [];
    document.getElementById('no-events').hidden = events.length > 0;
    const key = JSON.stringify(events);
    if (key === lastEvents) {
      return;
    }
    lastEvents = key;
    const rows = events.map((event) => {
      const row = document.createElement('tr');
      row.dataset.type = event.type;
      const time = cell(row, new Date(event.time).toLocaleTimeString(), 'time');
      time.title = event.time;
      cell(row, event.type.replace(/_/g, ' '), 'type');
      cell(row, event.bundle || '–');
      cell(row, event.version || '', 'version');
      cell(row, event.message, 'message');
      row.classList.toggle('is-error', /failed|leak|rolled_back/.test(event.type));
      return row;
    });
    eventsBody.replaceChildren(...rows);
  }

  function showError(message) {
    banner.textContent = message;
    banner.hidden = false;
  }

  function showNotice(message) {
    notice.textContent = message;
    notice.hidden = false;
  }

  async function poll() {
    if (polling) {
      return; // the previous poll is still waiting for the server
    }
    polling = true;
    try {
      const [bundles, services, events] = await Promise.all([api('GET', '/v1/bundles'), api('GET', '/v1/services'),
        api('GET', '/v1/events?limit=' + EVENTS_SHOWN)]);
      renderBundles(bundles);
      renderServices(services);
      renderEvents(events);
      banner.hidden = true;
      document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    } catch (e) {
      showError(e.message);
    } finally {
      polling = false;
    }
  }

  function confirmThen(question, label, method, path) {
    document.getElementById('confirm-text').textContent = question;
    document.getElementById('confirm-ok').textContent = label;
    dialog.returnValue = '';
    dialog.onclose = async () => {
      if (dialog.returnValue !== 'ok') {
        return;
      }
      try {
        const answer = await api(method, path);
        showNotice(answer.message || label + ' done');
      } catch (e) {
        showError(e.message);
      }
      poll();
    };
    dialog.showModal();
  }

  document.getElementById('signout').addEventListener('click', signOut);
  poll();
  setInterval(poll, POLL_MILLIS);
})();
