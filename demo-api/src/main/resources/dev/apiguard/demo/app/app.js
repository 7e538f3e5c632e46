// API Guard demo app: talks only to its own backend (/bff/...), which holds the tokens.
// Everything shown comes from JSON and is written with textContent, never as HTML.
'use strict';

const PENDING_DELETE = 'apiguard-demo-pending-delete';
const $ = (id) => document.getElementById(id);

function show(text, kind) {
  const message = $('message');
  message.textContent = text || '';
  message.className = kind || '';
  message.hidden = !text;
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let json = null;
  if (response.status !== 204) {
    try {
      json = await response.json();
    } catch (e) {
      json = null;
    }
  }
  return { status: response.status, json };
}

function describe(answer) {
  const json = answer.json || {};
  let text = answer.status + ' ' + (json.error || 'error');
  if (json.error_description) text += ': ' + json.error_description;
  if (json.scope) text += ' (the API asks for scope ' + json.scope + ')';
  return text;
}

// A refused call: a step-up challenge sends the browser to a new authorization request (once per action).
function refused(answer, action) {
  const json = answer.json || {};
  if (answer.status === 401 && json.step_up && action) {
    sessionStorage.setItem(PENDING_DELETE, action);
    show('Step-up: ' + json.error_description, 'info');
    location.assign(json.step_up);
    return;
  }
  if (answer.status === 401 && json.login) {
    // The app's session has no usable token any more (it does not refresh): offer the sign-in again.
    $('sign-in').hidden = false;
    $('sign-out').hidden = true;
    show(describe(answer) + ' - use Sign in.', 'error');
    return;
  }
  show(describe(answer), 'error');
}

function render(orders) {
  const body = $('orders');
  body.replaceChildren();
  for (const order of orders) {
    const row = document.createElement('tr');
    row.dataset.id = String(order.id);
    for (const value of [order.id, order.item, order.quantity, order.createdBy]) {
      const cell = document.createElement('td');
      cell.textContent = String(value);
      row.appendChild(cell);
    }
    const cell = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'delete';
    button.dataset.id = String(order.id);
    button.textContent = 'Delete';
    button.addEventListener('click', () => remove(String(order.id), false));
    cell.appendChild(button);
    row.appendChild(cell);
    body.appendChild(row);
  }
}

async function list() {
  const answer = await call('GET', '/bff/orders');
  if (answer.status === 200) {
    render(answer.json.orders);
  } else {
    refused(answer, null);
  }
}

async function create(event) {
  event.preventDefault();
  const answer = await call('POST', '/bff/orders', {
    item: $('item').value,
    quantity: Number($('quantity').value),
  });
  if (answer.status === 201) {
    show('Order ' + answer.json.id + ' created (' + answer.json.item + ').', 'ok');
    await list();
  } else {
    refused(answer, null);
  }
}

async function remove(id, resumed) {
  const answer = await call('DELETE', '/bff/orders/' + encodeURIComponent(id));
  if (answer.status === 204) {
    show('Order ' + id + ' deleted' + (resumed ? ' after the step-up.' : '.'), 'ok');
    await list();
  } else {
    // After a step-up the action is tried once more; a second challenge is shown, not followed again.
    refused(answer, resumed ? null : 'delete:' + id);
  }
}

async function start() {
  const params = new URLSearchParams(location.search);
  if (params.has('error')) {
    sessionStorage.removeItem(PENDING_DELETE);
    history.replaceState(null, '', '/');
  }
  const session = await call('GET', '/bff/session');
  const signedIn = session.status === 200 && session.json.signed_in;
  $('sign-in').hidden = signedIn;
  $('sign-out').hidden = !signedIn;
  $('orders-section').hidden = !signedIn;
  if (params.has('error')) {
    show('Sign-in did not complete: ' + params.get('error'), 'error');
  }
  if (!signedIn) {
    $('user').textContent = 'Not signed in';
    return;
  }
  const me = session.json;
  $('user').textContent = 'Signed in as ' + me.username + ' \u00b7 acr ' + (me.acr || '-')
    + ' \u00b7 scopes ' + me.scopes.filter((s) => s.startsWith('orders:')).join(' ');
  await list();
  const pending = sessionStorage.getItem(PENDING_DELETE);
  sessionStorage.removeItem(PENDING_DELETE);
  if (pending && pending.startsWith('delete:')) {
    await remove(pending.substring('delete:'.length), true);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('create-form').addEventListener('submit', create);
  $('sign-out').addEventListener('click', async () => {
    const answer = await call('POST', '/logout');
    location.assign(answer.json && answer.json.location ? answer.json.location : '/');
  });
  start();
});
