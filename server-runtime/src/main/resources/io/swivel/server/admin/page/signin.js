'use strict';
// Sign-in: checks the token against the API once, then keeps it in the swivel_token cookie
// (SameSite=Strict, this server only) that authorizes the page and its requests from then on.
(function () {
  const form = document.getElementById('signin');
  const field = document.getElementById('token');
  const error = document.getElementById('signin-error');

  function show(message) {
    error.textContent = message;
    error.hidden = false;
  }

  if (document.cookie.split(';').some((c) => c.trim().startsWith('swivel_token='))) {
    show('The token this browser kept was refused (the server may have a new one); enter the current token.');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = field.value.trim();
    let response;
    try {
      response = await fetch('/v1/bundles', { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' });
    } catch (e) {
      show('The server does not answer: ' + e.message);
      return;
    }
    if (response.status === 401) {
      show('Wrong token: it is the content of <data-dir>/admin.token on the server.');
      return;
    }
    if (!response.ok) {
      show('The server answered HTTP ' + response.status + '; try again.');
      return;
    }
    document.cookie = 'swivel_token=' + encodeURIComponent(token) + '; SameSite=Strict; Path=/';
    window.location.replace('/');
  });
})();
