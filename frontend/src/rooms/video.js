// Video in the live room: camera and microphone through the server's forwarding unit (docs/media.md).
//
// Two RTCPeerConnections per person: `publish` (the browser offers its camera and microphone,
// the server answers) and `subscribe` (the server offers everyone else's tracks, the browser
// answers, and the server renegotiates it with `rooms.rtc_offer` when tracks come and go).
// The server is the impolite peer; the browser is polite: an offer that arrives while it is
// negotiating wins (setRemoteDescription rolls back whatever the browser had started).
// No trickle ICE: every SDP is sent once ICE gathering is complete, so it carries its candidates.
//
// Moving to another room (breakout workshops): the server has already ended this page's media
// in the old room, so the page closes its connections, forgets the old room's tracks and, if
// the person was in the call, joins the new room's call the same way (same devices, same mode).
//
// Screen sharing replaces the camera's track on the same video sender (replaceTrack): no
// renegotiation, one video per person, and the camera comes back when sharing stops.
// Camera off stops the camera (its light goes off) and sends nothing on the video sender;
// microphone off disables the track. Both are told to the server (`rooms.rtc_mute`) so it
// stops forwarding and every page can show the state on the tile.

const PUBLISHING_ROLES = ["administrator", "facilitator", "member"];
const LEVEL_INTERVAL_MS = 250; // the speaking indicator is measured four times a second
const SPEAKING_LEVEL = 0.015; // RMS of the waveform above which someone is speaking
const SPEAKING_HOLD_MS = 900; // stays "speaking" that long after the last loud sample
const ACTIVE_SPEAKER_HOLD_MS = 1500; // the speaker view does not jump between people faster
const GATHERING_TIMEOUT_MS = 5000;
const RESTART_DELAY_MS = 2000;

export function createVideo({ client, t, fmt, confirmAction, people }) {
  const $ = (id) => document.getElementById(id);
  const section = $("video");
  const iceServers = readIceServers();

  const v = {
    me: null,
    capabilities: {},
    available: true, // media worker reachable (rooms.media_state_changed)
    mode: null, // what the person asked for: null, "follow" or "publish"
    interrupted: false, // the socket dropped while in the call: restart after the next snapshot
    generation: 0, // bumped at each (re)start; late answers of older sessions are ignored
    roomId: null, // the room whose call this page is in (or would join)
    subAnswering: -1, // generation whose first subscribe offer was answered: later offers are renegotiations
    pub: null,
    sub: null,
    subQueue: Promise.resolve(),
    local: null, // MediaStream from the camera and microphone (preview and publishing)
    screen: null, // MediaStreamTrack of the shared screen
    screenStream: null,
    audioSender: null,
    videoSender: null,
    micMuted: false,
    cameraOff: false,
    tracks: [], // rooms.media_tracks_changed: [{user_id, name, kind, stream_id, track_id, muted}]
    remote: new Map(), // stream id -> MediaStream received on the subscribe connection
    tiles: new Map(), // key ("self" or stream id) -> {item, video, name, state, actions}
    hands: [],
    view: "grid",
    audioContext: null,
    meters: new Map(), // key -> {analyser, source, track, speakingUntil}
    active: null,
    activeSince: 0,
    levelTimer: null,
  };

  // Tests (and curious people) can look at the peer connections.
  window.councilVideo = {
    get publish() {
      return v.pub;
    },
    get subscribe() {
      return v.sub;
    },
    get mode() {
      return v.mode;
    },
    get roomId() {
      return v.roomId;
    },
    state: v,
  };

  // Status and errors ----------------------------------------------------------------

  function status(text) {
    $("video-status").textContent = text;
  }

  function alertVideo(text) {
    $("video-alert").textContent = text;
  }

  function failed(error) {
    if (!error || error.code === "closed") return;
    const message = error.message || error.name || String(error);
    alertVideo(fmt(t.error, { message }));
  }

  function mediaError(error) {
    if (error && error.name === "NotAllowedError") alertVideo(t.video_permission_denied);
    else if (error && (error.name === "NotFoundError" || error.name === "OverconstrainedError"))
      alertVideo(t.video_no_device);
    else if (error && error.name === "NotReadableError") alertVideo(t.video_device_busy);
    else failed(error);
  }

  // Capabilities -------------------------------------------------------------------------

  function canPublish() {
    const caps = v.capabilities;
    if ("publish_media" in caps) return Boolean(caps.publish_media);
    return Boolean(v.me && PUBLISHING_ROLES.includes(v.me.role));
  }

  function canModerate() {
    const caps = v.capabilities;
    if ("moderate_media" in caps) return Boolean(caps.moderate_media);
    return Boolean(caps.moderate_room);
  }

  function publishing() {
    return v.mode === "publish" && v.pub !== null;
  }

  // Devices and preview ------------------------------------------------------------------

  function constraints(kind) {
    const select = $(kind === "video" ? "video-camera" : "video-microphone");
    return select.value ? { deviceId: { exact: select.value } } : true;
  }

  async function acquire() {
    try {
      return await navigator.mediaDevices.getUserMedia({
        audio: constraints("audio"),
        video: constraints("video"),
      });
    } catch (error) {
      if (error.name !== "NotFoundError" && error.name !== "OverconstrainedError") throw error;
      // No camera (or it went away): join with the microphone alone.
      return navigator.mediaDevices.getUserMedia({ audio: constraints("audio") });
    }
  }

  async function listDevices() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    const devices = await navigator.mediaDevices.enumerateDevices();
    const fill = (select, kind, fallback) => {
      const chosen = select.value || currentDeviceId(kind === "videoinput" ? "video" : "audio");
      const options = devices
        .filter((d) => d.kind === kind && d.deviceId)
        .map((device, index) => {
          const option = document.createElement("option");
          option.value = device.deviceId;
          option.textContent = device.label || fmt(fallback, { number: index + 1 });
          return option;
        });
      select.replaceChildren(...options);
      if (chosen && options.some((o) => o.value === chosen)) select.value = chosen;
      select.disabled = options.length === 0;
    };
    fill($("video-camera"), "videoinput", t.video_camera_n);
    fill($("video-microphone"), "audioinput", t.video_microphone_n);
  }

  function currentDeviceId(kind) {
    const track = v.local && v.local.getTracks().find((tr) => tr.kind === kind);
    return track ? track.getSettings().deviceId : "";
  }

  async function startPreview() {
    alertVideo("");
    if (!v.local) v.local = await acquire();
    if (v.cameraOff) for (const track of v.local.getVideoTracks()) stopTrack(track);
    setMicEnabled();
    const preview = $("video-preview");
    preview.srcObject = v.local;
    preview.hidden = false;
    ensureAudioContext();
    meter("self", v.local);
    await listDevices();
    render();
  }

  function stopPreview() {
    const preview = $("video-preview");
    preview.srcObject = null;
    preview.hidden = true;
    if (!v.mode || v.mode === "follow") releaseLocal();
    render();
  }

  function releaseLocal() {
    if (v.local) for (const track of v.local.getTracks()) stopTrack(track);
    v.local = null;
    unmeter("self");
  }

  function stopTrack(track) {
    track.stop();
    if (v.local) v.local.removeTrack(track);
  }

  async function switchDevice(kind) {
    if (!v.local || (kind === "video" && (v.cameraOff || v.screen))) return;
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({ [kind]: constraints(kind) });
      const [track] = fresh.getTracks();
      for (const old of v.local.getTracks().filter((tr) => tr.kind === kind)) stopTrack(old);
      v.local.addTrack(track);
      if (kind === "audio") {
        setMicEnabled();
        meter("self", v.local);
        if (v.audioSender) await v.audioSender.replaceTrack(track);
      } else if (v.videoSender) await v.videoSender.replaceTrack(track);
      refreshSelf();
    } catch (error) {
      mediaError(error);
    }
  }

  // Joining, following, leaving ----------------------------------------------------------

  async function joinWithVideo() {
    alertVideo("");
    try {
      if (!v.local) await startPreview();
    } catch (error) {
      mediaError(error);
      return;
    }
    const wasFollowing = v.mode === "follow" && v.sub;
    v.mode = "publish";
    ensureAudioContext();
    if (wasFollowing && v.available) {
      // Already receiving everyone: only the publish connection is missing.
      publish(v.generation).catch(publishFailed);
      render();
    } else start();
  }

  function follow() {
    alertVideo("");
    v.mode = "follow";
    ensureAudioContext();
    start();
  }

  function start() {
    closeConnections();
    const generation = ++v.generation;
    render();
    if (!v.available) {
      status(t.video_unavailable);
      return;
    }
    if (client.socket?.readyState !== WebSocket.OPEN) {
      v.interrupted = true;
      status(t.video_waiting_connection);
      return;
    }
    status(t.video_joining);
    const steps = [];
    if (v.mode === "publish" && canPublish()) steps.push(publish(generation).catch(publishFailed));
    steps.push(subscribe(generation));
    Promise.all(steps)
      .then(() => {
        if (generation === v.generation) status(joinedText());
      })
      .catch((error) => {
        if (generation !== v.generation) return;
        failed(error);
        status(t.video_not_joined);
      });
  }

  function joinedText() {
    return publishing() ? t.video_joined : t.video_following;
  }

  function publishFailed(error) {
    if (error && error.code === "forbidden") {
      // The floor was taken back, or never given: keep following.
      closePublish();
      releaseLocal();
      v.mode = "follow";
      alertVideo(t.video_cannot_publish);
      render();
      return;
    }
    throw error;
  }

  async function leave({ quiet = false } = {}) {
    const wasPublishing = v.pub !== null;
    v.mode = null;
    v.interrupted = false;
    v.generation += 1;
    closeConnections();
    stopScreen({ restoreCamera: false });
    releaseLocal();
    const preview = $("video-preview");
    preview.srcObject = null;
    preview.hidden = true;
    if (wasPublishing && !quiet) client.send("rooms.rtc_unpublish").catch(() => {});
    if (!quiet) status(t.video_left);
    render();
  }

  function closePublish() {
    if (v.pub) v.pub.close();
    v.pub = null;
    v.audioSender = null;
    v.videoSender = null;
  }

  function closeConnections() {
    closePublish();
    if (v.sub) v.sub.close();
    v.sub = null;
    v.subQueue = Promise.resolve();
    for (const key of v.remote.keys()) unmeter(key);
    v.remote.clear();
    renderTiles();
  }

  // Peer connections ---------------------------------------------------------------------

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
        status(t.video_reconnecting);
        setTimeout(() => {
          if (generation === v.generation && v.mode) start();
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
    closePublish();
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
    if (v.micMuted) client.send("rooms.rtc_mute", { kind: "audio", muted: true }).catch(failed);
    if (v.cameraOff && !v.screen) client.send("rooms.rtc_mute", { kind: "video", muted: true }).catch(failed);
    refreshSelf();
    render();
  }

  async function subscribe(generation) {
    const pc = peerConnection(generation);
    v.sub = pc;
    pc.addEventListener("track", (event) => remoteTrack(event, pc));
    const offer = await client.send("rooms.rtc_subscribe", {});
    if (generation !== v.generation || v.sub !== pc) return;
    // Who is behind each stream, for the tiles. The reply may be older than a
    // rooms.media_tracks_changed already received, so add to what we know, never replace.
    if (offer.tracks) v.tracks = mergeTracks(v.tracks, offer.tracks);
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
          unmeter(stream.id);
        }
        renderTiles();
      });
    }
    event.track.addEventListener("ended", () => renderTiles());
    if (event.track.kind === "audio") meter(stream.id, stream);
    renderTiles();
  }

  // Own media: microphone, camera, screen ---------------------------------------------------

  function setMicEnabled() {
    if (v.local) for (const track of v.local.getAudioTracks()) track.enabled = !v.micMuted;
  }

  function setMicMuted(muted, { tell = true } = {}) {
    v.micMuted = muted;
    setMicEnabled();
    if (tell && publishing()) client.send("rooms.rtc_mute", { kind: "audio", muted }).catch(failed);
    render();
    refreshSelf();
  }

  async function setCameraOff(off, { tell = true } = {}) {
    v.cameraOff = off;
    if (off && v.local) for (const track of v.local.getVideoTracks()) stopTrack(track);
    if (!off && v.local && v.local.getVideoTracks().length === 0) {
      try {
        const fresh = await navigator.mediaDevices.getUserMedia({ video: constraints("video") });
        v.local.addTrack(fresh.getVideoTracks()[0]);
      } catch (error) {
        v.cameraOff = true;
        mediaError(error);
        render();
        return;
      }
    }
    if (v.videoSender) await v.videoSender.replaceTrack(sendingVideoTrack());
    if (tell && publishing() && !v.screen)
      client.send("rooms.rtc_mute", { kind: "video", muted: off }).catch(failed);
    const preview = $("video-preview");
    if (!preview.hidden) preview.srcObject = v.local;
    render();
    refreshSelf();
  }

  async function shareScreen() {
    if (v.screen) {
      await stopScreen({ restoreCamera: true });
      return;
    }
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      const [track] = stream.getVideoTracks();
      track.contentHint = "detail";
      track.addEventListener("ended", () => stopScreen({ restoreCamera: true }));
      v.screen = track;
      v.screenStream = stream;
      if (v.videoSender) await v.videoSender.replaceTrack(track);
      if (v.cameraOff && publishing()) client.send("rooms.rtc_mute", { kind: "video", muted: false }).catch(failed);
      status(t.video_sharing_screen);
    } catch (error) {
      if (error.name !== "NotAllowedError") mediaError(error); // cancelling the picker is no error
    }
    render();
    refreshSelf();
  }

  async function stopScreen({ restoreCamera }) {
    if (!v.screen) return;
    const track = v.screen;
    v.screen = null;
    track.stop();
    if (restoreCamera && v.videoSender) {
      await v.videoSender.replaceTrack(sendingVideoTrack());
      if (v.cameraOff && publishing()) client.send("rooms.rtc_mute", { kind: "video", muted: true }).catch(failed);
      status(joinedText());
    }
    render();
    refreshSelf();
  }

  // Tiles -------------------------------------------------------------------------------------

  function ownerOf(stream) {
    const ids = new Set(stream.getTracks().map((track) => track.id));
    return (
      v.tracks.find((entry) => entry.stream_id === stream.id) ||
      v.tracks.find((entry) => ids.has(entry.track_id)) ||
      null
    );
  }

  function isMuted(userId, kind) {
    const entries = v.tracks.filter((e) => e.user_id === userId && e.kind === kind);
    return entries.length === 0 || entries.every((e) => e.muted);
  }

  function mergeTracks(known, more) {
    const ids = new Set(known.map((entry) => entry.track_id));
    return [...known, ...more.filter((entry) => !ids.has(entry.track_id))];
  }

  function renderTiles() {
    const wanted = new Map();
    if (publishing() && v.me) {
      wanted.set("self", {
        stream: v.screen ? v.screenStream : v.local,
        userId: v.me.id,
        name: v.me.name,
        self: true,
        micOff: v.micMuted,
        cameraOff: !v.screen && (v.cameraOff || !v.local || v.local.getVideoTracks().length === 0),
      });
    }
    for (const [id, stream] of v.remote) {
      if (!stream.getTracks().some((track) => track.readyState === "live")) continue;
      const owner = ownerOf(stream);
      wanted.set(id, {
        stream,
        userId: owner ? owner.user_id : null,
        name: owner ? owner.name : t.video_someone,
        self: false,
        micOff: owner ? isMuted(owner.user_id, "audio") : false,
        cameraOff: owner ? isMuted(owner.user_id, "video") : false,
      });
    }
    for (const [key, tile] of v.tiles) {
      if (!wanted.has(key)) {
        tile.video.srcObject = null;
        tile.item.remove();
        v.tiles.delete(key);
      }
    }
    const list = $("video-tiles");
    for (const [key, info] of wanted) {
      let tile = v.tiles.get(key);
      if (!tile) {
        tile = makeTile(key);
        v.tiles.set(key, tile);
        list.append(tile.item);
      }
      updateTile(tile, info);
    }
    list.hidden = v.tiles.size === 0;
    chooseActive();
  }

  function makeTile(key) {
    const item = document.createElement("li");
    item.className = "tile";
    item.dataset.key = key;
    const video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    const caption = document.createElement("p");
    caption.className = "tile-caption";
    const name = document.createElement("span");
    name.className = "tile-name";
    const state = document.createElement("span");
    state.className = "tile-state";
    caption.append(name, " ", state);
    const actions = document.createElement("div");
    actions.className = "tile-actions";
    item.append(video, caption, actions);
    return { item, video, name, state, actions, key };
  }

  function updateTile(tile, info) {
    const { item, video } = tile;
    if (video.srcObject !== info.stream) {
      video.srcObject = info.stream;
      video.play().catch(() => {});
    }
    video.muted = info.self; // never play one's own microphone back
    item.classList.toggle("self", info.self);
    item.classList.toggle("camera-off", info.cameraOff);
    item.dataset.userId = info.userId ?? "";
    const label = info.self ? `${info.name} ${t.you}` : info.name;
    video.setAttribute("aria-label", fmt(t.video_of, { name: label }));
    tile.name.textContent = label;
    const states = [];
    if (info.micOff) states.push(t.video_mic_off);
    if (info.cameraOff) states.push(t.video_camera_off);
    if (item.classList.contains("speaking")) states.push(t.video_speaking);
    tile.state.textContent = states.length ? `(${states.join(", ")})` : "";
    tile.info = info;
    renderTileActions(tile, info);
  }

  function renderTileActions(tile, info) {
    const buttons = [];
    if (canModerate() && !info.self && info.userId !== null) {
      const who = { name: info.name };
      const mute = actionButton(fmt(t.video_mute_person, who), () =>
        client.send("rooms.mute_media", { user_id: info.userId, kind: "audio" }).catch(failed),
      );
      mute.disabled = info.micOff;
      const camera = actionButton(fmt(t.video_stop_camera_of, who), () =>
        client.send("rooms.mute_media", { user_id: info.userId, kind: "video" }).catch(failed),
      );
      camera.disabled = info.cameraOff;
      buttons.push(mute, camera);
    }
    const same =
      buttons.length === tile.actions.children.length &&
      buttons.every((b, i) => b.textContent === tile.actions.children[i].textContent && b.disabled === tile.actions.children[i].disabled);
    if (!same) {
      const hadFocus = tile.actions.contains(document.activeElement);
      tile.actions.replaceChildren(...buttons);
      if (hadFocus) (buttons.find((b) => !b.disabled) || $("video-heading")).focus();
    }
  }

  function refreshSelf() {
    renderTiles();
  }

  function actionButton(label, onClick) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary small";
    button.textContent = label;
    button.addEventListener("click", () => onClick(button));
    return button;
  }

  // Speaking indicator and active speaker ------------------------------------------------------

  function ensureAudioContext() {
    if (!window.AudioContext) return;
    if (!v.audioContext) v.audioContext = new AudioContext();
    if (v.audioContext.state === "suspended") v.audioContext.resume().catch(() => {});
    if (!v.levelTimer) v.levelTimer = setInterval(measureLevels, LEVEL_INTERVAL_MS);
  }

  function meter(key, stream) {
    if (!v.audioContext) return;
    const [track] = stream.getAudioTracks();
    const current = v.meters.get(key);
    if (!track || (current && current.track === track)) return;
    unmeter(key);
    const source = v.audioContext.createMediaStreamSource(new MediaStream([track]));
    const analyser = v.audioContext.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser); // not to the destination: the tile's <video> plays the sound
    v.meters.set(key, { source, analyser, track, speakingUntil: 0, samples: new Float32Array(analyser.fftSize) });
  }

  function unmeter(key) {
    const current = v.meters.get(key);
    if (!current) return;
    current.source.disconnect();
    v.meters.delete(key);
  }

  function measureLevels() {
    const now = performance.now();
    for (const [key, m] of v.meters) {
      m.analyser.getFloatTimeDomainData(m.samples);
      let sum = 0;
      for (const sample of m.samples) sum += sample * sample;
      const level = Math.sqrt(sum / m.samples.length);
      const muted = key === "self" ? v.micMuted : m.track.muted;
      if (level > SPEAKING_LEVEL && !muted) m.speakingUntil = now + SPEAKING_HOLD_MS;
      m.level = level;
      const tile = v.tiles.get(key);
      const speaking = m.speakingUntil > now;
      if (tile && tile.item.classList.contains("speaking") !== speaking) {
        tile.item.classList.toggle("speaking", speaking);
        if (tile.info) updateTile(tile, tile.info);
      }
    }
    chooseActive();
  }

  function chooseActive() {
    const now = performance.now();
    const loudest = [...v.meters.entries()]
      .filter(([key, m]) => key !== "self" && m.speakingUntil > now && v.tiles.has(key))
      .sort((a, b) => b[1].level - a[1].level)[0];
    const keep = v.active && v.tiles.has(v.active) && now - v.activeSince < ACTIVE_SPEAKER_HOLD_MS;
    if (loudest && loudest[0] !== v.active && !keep) {
      v.active = loudest[0];
      v.activeSince = now;
    }
    if (!v.active || !v.tiles.has(v.active)) {
      v.active = [...v.tiles.keys()].find((key) => key !== "self") || [...v.tiles.keys()][0] || null;
      v.activeSince = now;
    }
    for (const [key, tile] of v.tiles) tile.item.classList.toggle("active", key === v.active);
  }

  // Rendering the controls ---------------------------------------------------------------------

  function press(id, pressed) {
    $(id).setAttribute("aria-pressed", String(Boolean(pressed)));
  }

  function render() {
    const joined = v.mode !== null;
    const mayPublish = canPublish();
    const publishingNow = v.mode === "publish" && mayPublish;
    const previewing = !$("video-preview").hidden;
    $("video-setup").hidden = !mayPublish || publishingNow;
    $("video-follow").hidden = joined;
    $("video-follow-help").hidden = joined || mayPublish;
    $("video-join").disabled = !v.available;
    $("video-follow").disabled = !v.available;
    press("video-preview-toggle", previewing);
    $("video-controls").hidden = !joined;
    for (const id of ["video-mic", "video-camera-toggle", "video-screen"]) $(id).hidden = !publishingNow;
    $("video-screen").hidden ||= !(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
    press("video-mic", v.micMuted);
    press("video-camera-toggle", v.cameraOff);
    press("video-screen", v.screen !== null);
    press("video-view", v.view === "speaker");
    $("video-tiles").classList.toggle("speaker", v.view === "speaker");
    $("video-moderation").hidden = !canModerate();
    section.dataset.mode = v.mode || "none";
    section.dataset.available = String(v.available);
    renderFloor();
    renderTiles();
  }

  function renderFloor() {
    const presence = people();
    const residents = v.hands.filter((hand) => {
      const person = presence.get(hand.user_id);
      return person && person.role === "resident";
    });
    const items = residents.map((hand) => {
      const item = document.createElement("li");
      item.append(
        actionButton(fmt(t.video_give_floor, { name: hand.name }), () =>
          client.send("rooms.give_floor", { user_id: hand.user_id }).catch(failed),
        ),
      );
      return item;
    });
    const list = $("video-floor");
    const hadFocus = list.contains(document.activeElement);
    list.replaceChildren(...items);
    $("video-floor-empty").hidden = items.length > 0;
    if (hadFocus) (list.querySelector("button") || $("video-mute-all")).focus();
  }

  // Events from room.js and the socket ---------------------------------------------------------

  function synced(snapshot) {
    const hadMe = v.me !== null;
    const roomChanged = v.roomId !== null && snapshot.room && snapshot.room.id !== v.roomId;
    if (snapshot.room) v.roomId = snapshot.room.id;
    v.me = snapshot.me;
    v.capabilities = { ...snapshot.me.capabilities };
    if (roomChanged) {
      // The old room's people and tiles go; the old connections are dead on the server's side.
      v.generation += 1;
      closeConnections();
      v.tracks = [];
      v.hands = [];
    }
    if (snapshot.media) {
      if ("available" in snapshot.media) v.available = Boolean(snapshot.media.available);
      if (snapshot.media.tracks) v.tracks = mergeTracks(v.tracks, snapshot.media.tracks);
    }
    if (!hadMe) status(v.available ? t.video_not_joined : t.video_unavailable);
    if ((v.interrupted || roomChanged) && v.mode) {
      v.interrupted = false;
      // The server forgot our connections (a new socket, or another room): publish and
      // subscribe again, with the devices and the mode the person chose.
      start();
    }
    render();
  }

  function capabilities(caps) {
    const could = canPublish();
    // Keep a floor given (rooms.floor_changed) if the capabilities sent do not mention it.
    const kept = "publish_media" in v.capabilities && !("publish_media" in caps);
    v.capabilities = kept ? { publish_media: v.capabilities.publish_media, ...caps } : { ...caps };
    const can = canPublish();
    if (!could && can && v.me) {
      status(t.video_floor_given);
    } else if (could && !can && v.mode === "publish") {
      closePublish();
      stopScreen({ restoreCamera: false });
      releaseLocal();
      v.mode = v.sub ? "follow" : null;
      status(t.video_floor_taken);
    }
    render();
  }

  function hands(queue) {
    v.hands = queue;
    renderFloor();
  }

  function connection(state) {
    if (state === "open") return; // the snapshot that follows restarts the call (synced)
    if (state === "closed") {
      if (v.mode) leave({ quiet: true });
      status(t.video_not_joined);
      return;
    }
    if (v.mode) {
      v.interrupted = true;
      status(t.video_waiting_connection);
    }
  }

  function mediaState({ available }) {
    const was = v.available;
    v.available = Boolean(available);
    if (!v.available) {
      v.generation += 1;
      closeConnections();
      status(t.video_unavailable); // the reason is a code for machines, not a sentence
    } else if (!was) {
      if (v.mode) start();
      else status(t.video_available_again);
    }
    render();
  }

  function mutedByFacilitator({ kind, by, user_ids: userIds }) {
    if (Array.isArray(userIds) && !(v.me && userIds.includes(v.me.id))) return; // someone else
    if (!v.mode && !v.local) return; // not in the call: nothing of ours is on
    const name = typeof by === "object" && by !== null ? by.name : by;
    if (kind === "audio") {
      setMicMuted(true, { tell: false });
      status(name ? fmt(t.video_muted_by, { name }) : t.video_muted);
    } else if (kind === "video") {
      stopScreen({ restoreCamera: false });
      setCameraOff(true, { tell: false });
      status(name ? fmt(t.video_camera_stopped_by, { name }) : t.video_camera_stopped);
    }
  }

  function handle(frame) {
    const payload = frame.payload || {};
    switch (frame.type) {
      case "rooms.rtc_offer":
        // Before our first answer, an offer can only be a late one for a connection we closed
        // (the server renegotiates a subscribe connection only once it is stable).
        if (v.sub && v.subAnswering === v.generation && (!payload.pc || payload.pc === "subscribe"))
          answer(v.generation, payload.sdp).catch(failed);
        break;
      case "rooms.media_tracks_changed":
        v.tracks = payload.tracks || [];
        renderTiles();
        break;
      case "rooms.media_state_changed":
        mediaState(payload);
        break;
      case "rooms.media_muted":
        mutedByFacilitator(payload);
        break;
      case "rooms.floor_changed":
        // The floor decides whether a resident may publish (the capability follows it).
        if (v.me && payload.user_id === v.me.id)
          capabilities({ ...v.capabilities, publish_media: Boolean(payload.floor) });
        break;
      case "rooms.call_ended":
        if (v.mode) leave({ quiet: true });
        status(t.video_call_ended);
        break;
      default:
    }
  }

  // Controls ---------------------------------------------------------------------------------

  $("video-preview-toggle").addEventListener("click", () => {
    if ($("video-preview").hidden) startPreview().catch(mediaError);
    else stopPreview();
  });
  $("video-join").addEventListener("click", () => joinWithVideo());
  $("video-follow").addEventListener("click", () => follow());
  $("video-camera").addEventListener("change", () => switchDevice("video"));
  $("video-microphone").addEventListener("change", () => switchDevice("audio"));
  $("video-mic").addEventListener("click", () => setMicMuted(!v.micMuted));
  $("video-camera-toggle").addEventListener("click", () => setCameraOff(!v.cameraOff));
  $("video-screen").addEventListener("click", () => shareScreen());
  $("video-view").addEventListener("click", () => {
    v.view = v.view === "grid" ? "speaker" : "grid";
    render();
  });
  $("video-leave").addEventListener("click", () => {
    leave();
    $("video-heading").focus();
  });
  $("video-mute-all").addEventListener("click", () =>
    client.send("rooms.mute_all_media").catch(failed),
  );
  $("video-end").addEventListener("click", async () => {
    if (await confirmAction(t.video_confirm_end, $("video-end")))
      client.send("rooms.end_call").catch(failed);
  });
  navigator.mediaDevices?.addEventListener?.("devicechange", () => listDevices().catch(() => {}));
  listDevices().catch(() => {});
  render();

  return { synced, capabilities, hands, connection, handle };
}
