// allauth's WebAuthn script announces a failed ceremony (key refused, timed out, cancelled) with an
// `allauth.error` event and only logs it: say it where everyone can read it, screen readers included.
const alert = document.getElementById('webauthn-error')
if (alert) {
  document.addEventListener('allauth.error', (event) => {
    event.preventDefault()
    alert.textContent = alert.dataset.message
    alert.hidden = false
  })
}
