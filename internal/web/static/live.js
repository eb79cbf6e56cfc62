// Dauys public results: live updates and, on an exported copy of the site,
// precinct search. Every page works without this script; with it, numbers
// change in place when new protocols arrive.
(function () {
  'use strict';
  var body = document.body;
  var poll = body.getAttribute('data-poll');
  var version = body.getAttribute('data-version');
  var page = body.getAttribute('data-page');
  var isStatic = body.hasAttribute('data-static');
  var every = Math.max(1, parseInt(body.getAttribute('data-every'), 10) || 15) * 1000;
  if (isStatic) {
    // An exported page whose content did not change is shared, as it was,
    // by the exports after it: its version is the folder it is read from.
    var folder = /\/v\/([^\/]+)\/(?:kk|ru|en)\//.exec(location.pathname);
    if (folder) { version = decodeURIComponent(folder[1]); }
  }

  function schedule() {
    // A little jitter keeps many readers from asking at the same moment.
    setTimeout(check, every * (0.9 + Math.random() * 0.2));
  }

  function swap(url, newVersion) {
    return fetch(url, { cache: 'no-cache', credentials: 'same-origin' }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (!html) { return; }
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var fresh = doc.querySelector('main');
      var main = document.querySelector('main');
      if (!fresh || !main) { return; }
      var active = document.activeElement;
      if (active && main.contains(active) && active.tagName === 'INPUT' && active.value) {
        return; // Do not take the search box away from someone typing.
      }
      main.replaceWith(document.adoptNode(fresh));
      document.title = doc.title;
      version = newVersion;
      body.setAttribute('data-version', version);
      if (isStatic && url !== location.href) {
        history.replaceState(null, '', url);
      }
    });
  }

  function check() {
    if (document.hidden) { schedule(); return; }
    fetch(poll, { cache: 'no-cache', credentials: 'same-origin' }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (doc) {
      if (!doc || !doc.version || doc.version === version) { return; }
      var url = location.href;
      if (isStatic) {
        if (!doc.path) { return; }
        url = new URL(doc.path + page + location.search, new URL(poll, location.href)).href;
      }
      return swap(url, doc.version);
    }).catch(function () {}).then(schedule);
  }

  if (poll && version && window.fetch && window.DOMParser) { schedule(); }

  // Search on the exported site, where no server answers queries: the
  // index of precincts is fetched once and searched here.
  var box = document.getElementById('search-results');
  if (!box || !window.fetch) { return; }
  var q = new URLSearchParams(location.search).get('q') || '';
  var input = document.getElementById('q');
  if (input) { input.value = q; }
  if (!q.trim()) { return; }
  var lang = ['kk', 'ru', 'en'].indexOf(box.getAttribute('data-lang'));
  fetch(box.getAttribute('data-index')).then(function (r) { return r.json(); }).then(function (ix) {
    var raw = q.trim().toLowerCase();
    var n = raw;
    ['№', 'no.', 'no', '#', 'учаскесі', 'учаске', 'участок', 'precinct'].forEach(function (p) {
      if (n.indexOf(p) === 0) { n = n.slice(p.length).trim(); }
    });
    var parent = {}, leaf = {};
    ix.areas.forEach(function (a) { parent[a[0]] = a[2]; leaf[a[2]] = false; });
    function nameOf(id) { var t = ix.names[id]; return t ? (t[lang] || t[1] || t[0] || t[2]) : id; }
    var exact = [], byNumber = [], byName = [];
    ix.areas.forEach(function (a) {
      var id = a[0], isLeaf = !(id in leaf);
      if (id.toLowerCase() === raw) { exact.push(a); }
      else if (isLeaf && a[1] && a[1].toLowerCase() === n) { byNumber.push(a); }
      else if (!isLeaf && raw.length >= 3 && (ix.names[id] || []).some(function (s) { return s.toLowerCase().indexOf(raw) >= 0; })) { byName.push(a); }
    });
    var found = exact.concat(byNumber, byName);
    var h = document.createElement('h2');
    h.textContent = box.getAttribute('data-heading').replace('{q}', q);
    box.appendChild(h);
    if (!found.length) {
      var p = document.createElement('p');
      p.textContent = box.getAttribute('data-none');
      box.appendChild(p);
      return;
    }
    var ul = document.createElement('ul');
    ul.className = 'results';
    found.slice(0, 100).forEach(function (a) {
      var id = a[0], li = document.createElement('li'), link = document.createElement('a');
      link.href = box.getAttribute('data-prefix') + (a[3] || id) + '.html';
      link.textContent = ix.names[id] ? nameOf(id) : box.getAttribute('data-precinct').replace('{n}', a[1] || id);
      li.appendChild(link);
      var where = [], up = parent[id];
      while (up && parent[up]) { where.unshift(nameOf(up)); up = parent[up]; }
      if (where.length) {
        var s = document.createElement('span');
        s.className = 'small';
        s.textContent = ' ' + where.join(' › ');
        li.appendChild(s);
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (found.length > 100) {
      var more = document.createElement('p');
      more.className = 'small';
      more.textContent = box.getAttribute('data-more');
      box.appendChild(more);
    }
  }).catch(function () {});
}());
