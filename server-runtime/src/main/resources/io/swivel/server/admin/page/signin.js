'use strict';
// Sign-in: sends the token once to POST /v1/signin, whose answer sets the swivel_token_<port>
// cookie (HttpOnly, SameSite=Strict, this server only) that authorizes the page and its requests
// from then on. The script never sees the token again: no script can read that cookie.
(function () {
  const form = document.getElementById('signin');
  const field = document.getElementById('token');
  const error = document.getElementById('signin-error');

  function show(message) {
    error.textContent = message;
    error.hidden = false;
  }

  if (document.body.dataset.staleToken === '1') { // the server refused the cookie this browser sent
    show('The token this browser kept was refused (the server may have a new one); enter the current token.');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = field.value.trim();
    let response;
    try {
      response = await fetch('/v1/signin', {
        method: 'POST',
        headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'same-origin'
      });
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
    field.value = '';
    window.location.replace('/');
  });
})();
