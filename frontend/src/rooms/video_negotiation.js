// Video in the live room: the two peer connections and their negotiation with the server (docs/media.md).
// Its functions share video.js's state and helpers through `ctx`.

const GATHERING_TIMEOUT_MS = 5000;
const RESTART_DELAY_MS = 2000;

export function createNegotiation(ctx) {
  const { v, t, client, $ } = ctx;
  const iceServers = readIceServers();

  function readIceServers() {
    const node = document.getElementById("media-ice-servers");
    const raw = node ? JSON.parse(node.textContent) : [];
    return (raw || []).map((server) => {
      if (typeof server === "string") return { urls: server };
      const { urls, url, username, credential } = server;
      const entry = { urls: urls || url };
      if (username) entry.username = username;
      if (credential) entry.credential = credential;
      return entry;
    });
  }

  function peerConnection(generation) {
    const pc = new RTCPeerConnection({ iceServers });
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "failed" && generation === v.generation && v.mode) {
        // The network dropped under the call: start again on fresh connections.
        ctx.status(t.video_reconnecting);
        setTimeout(() => {
          if (generation === v.generation && v.mode) ctx.start();
        }, RESTART_DELAY_MS);
      }
    });
    return pc;
  }

  function gathered(pc) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        if (pc.iceGatheringState !== "complete") return;
        pc.removeEventListener("icegatheringstatechange", done);
        resolve();
      };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, GATHERING_TIMEOUT_MS); // send what was gathered rather than hang
    });
  }

  function sendingVideoTrack() {
    if (v.screen) return v.screen;
    if (v.cameraOff || !v.local) return null;
    return v.local.getVideoTracks()[0] || null;
  }

  async function publish(generation) {
    ctx.closePublish();
    const pc = peerConnection(generation);
    v.pub = pc;
    const stream = v.local || new MediaStream();
    const audio = stream.getAudioTracks()[0];
    // Both transceivers always exist, so camera off and screen sharing never renegotiate.
    v.audioSender = pc.addTransceiver(audio || "audio", { direction: "sendonly", streams: [stream] }).sender;
    v.videoSender = pc.addTransceiver(sendingVideoTrack() || "video", {
      direction: "sendonly",
      streams: [stream],
    }).sender;
    await pc.setLocalDescription();
    await gathered(pc);
    if (generation !== v.generation || v.pub !== pc) return;
    const answer = await client.send("rooms.rtc_publish", { sdp: pc.localDescription.sdp });
    if (generation !== v.generation || v.pub !== pc) return;
    await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
    if (v.micMuted) client.send("rooms.rtc_mute", { kind: "audio", muted: true }).catch(ctx.failed);
    if (v.cameraOff && !v.screen) client.send("rooms.rtc_mute", { kind: "video", muted: true }).catch(ctx.failed);
    ctx.refreshSelf();
    ctx.render();
  }

  async function subscribe(generation) {
    const pc = peerConnection(generation);
    v.sub = pc;
    pc.addEventListener("track", (event) => remoteTrack(event, pc));
    const offer = await client.send("rooms.rtc_subscribe", {});
    if (generation !== v.generation || v.sub !== pc) return;
    // Who is behind each stream, for the tiles. The reply may be older than a
    // rooms.media_tracks_changed already received, so add to what we know, never replace.
    if (offer.tracks) v.tracks = ctx.mergeTracks(v.tracks, offer.tracks);
    v.subAnswering = generation;
    await answer(generation, offer.sdp);
  }

  // Offers for the subscribe connection are answered one at a time, in order.
  function answer(generation, sdp) {
    const next = v.subQueue.then(async () => {
      const pc = v.sub;
      if (generation !== v.generation || !pc) return;
      // Polite: the server's offer rolls back anything of ours.
      await pc.setRemoteDescription({ type: "offer", sdp: withoutEmptyBundle(sdp) });
      await pc.setLocalDescription();
      await gathered(pc);
      if (generation !== v.generation || v.sub !== pc) return;
      await client.send("rooms.rtc_answer", { sdp: pc.localDescription.sdp });
    });
    v.subQueue = next.catch(() => {});
    return next;
  }

  // aiortc writes "a=group:BUNDLE " with no mid in an offer without media (nobody publishes
  // yet), which Chromium refuses; an empty group means nothing, so it is left out.
  function withoutEmptyBundle(sdp) {
    return sdp.replace(/^a=group:BUNDLE[ \t]*\r?\n/m, "");
  }

  function remoteTrack(event, pc) {
    if (pc !== v.sub) return;
    const stream = event.streams[0] || new MediaStream([event.track]);
    if (!v.remote.has(stream.id)) {
      v.remote.set(stream.id, stream);
      stream.addEventListener("removetrack", () => {
        if (stream.getTracks().length === 0) {
          v.remote.delete(stream.id);
          ctx.unmeter(stream.id);
        }
        ctx.renderTiles();
      });
    }
    event.track.addEventListener("ended", () => ctx.renderTiles());
    if (event.track.kind === "audio") ctx.meter(stream.id, stream);
    ctx.renderTiles();
  }

  return { readIceServers, peerConnection, gathered, sendingVideoTrack, publish, subscribe, answer, withoutEmptyBundle, remoteTrack };
}
