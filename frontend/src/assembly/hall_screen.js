// The hall's code on the shared screen: the page reloads before the server stops accepting
// its code (ASSEMBLY_HALL_CODE_SECONDS), so the QR code and the address shown are always fresh.

const img = document.getElementById("hall-qr");
const seconds = Number(img.dataset.refreshSeconds) || 30;
setTimeout(() => window.location.reload(), seconds * 1000);
