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

import { button } from "../core/buttons.js";
import { fmt } from "../core/i18n.js";
import { createDevices } from "./video_devices.js";
import { createNegotiation } from "./video_negotiation.js";
import { createTiles } from "./video_tiles.js";

export function createVideo({ client, t, confirmAction, people }) {
  const $ = (id) => document.getElementById(id);
  const section = $("video");

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

  // The parts in video_devices.js, video_negotiation.js and video_tiles.js call each other
  // and these functions through `ctx`.
  const ctx = { v, t, client, $ };
  Object.assign(ctx, {
    status, alertVideo, failed, mediaError, canPublish, canModerate, publishing, joinWithVideo, follow,
    start, joinedText, publishFailed, leave, closePublish, closeConnections, setMicEnabled, setMicMuted,
    setCameraOff, shareScreen, stopScreen, press, render, renderFloor,
  });
  Object.assign(ctx, createDevices(ctx), createNegotiation(ctx), createTiles(ctx));

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

  // Who may publish is the server's rule (rooms.publish_media), sent with every snapshot and
  // again whenever it changes (a role, the floor): never worked out here from a role.
  function canPublish() {
    return Boolean(v.capabilities.publish_media);
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

  // Joining, following, leaving ----------------------------------------------------------

  async function joinWithVideo() {
    alertVideo("");
    try {
      if (!v.local) await ctx.startPreview();
    } catch (error) {
      mediaError(error);
      return;
    }
    const wasFollowing = v.mode === "follow" && v.sub;
    v.mode = "publish";
    ctx.ensureAudioContext();
    if (wasFollowing && v.available) {
      // Already receiving everyone: only the publish connection is missing.
      ctx.publish(v.generation).catch(publishFailed);
      render();
    } else start();
  }

  function follow() {
    alertVideo("");
    v.mode = "follow";
    ctx.ensureAudioContext();
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
    if (v.mode === "publish" && canPublish()) steps.push(ctx.publish(generation).catch(publishFailed));
    steps.push(ctx.subscribe(generation));
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
      ctx.releaseLocal();
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
    ctx.releaseLocal();
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
    for (const key of v.remote.keys()) ctx.unmeter(key);
    v.remote.clear();
    ctx.renderTiles();
  }

  // Peer connections ---------------------------------------------------------------------

  // Own media: microphone, camera, screen ---------------------------------------------------

  function setMicEnabled() {
    if (v.local) for (const track of v.local.getAudioTracks()) track.enabled = !v.micMuted;
  }

  function setMicMuted(muted, { tell = true } = {}) {
    v.micMuted = muted;
    setMicEnabled();
    if (tell && publishing()) client.send("rooms.rtc_mute", { kind: "audio", muted }).catch(failed);
    render();
    ctx.refreshSelf();
  }

  async function setCameraOff(off, { tell = true } = {}) {
    v.cameraOff = off;
    if (off && v.local) for (const track of v.local.getVideoTracks()) ctx.stopTrack(track);
    if (!off && v.local && v.local.getVideoTracks().length === 0) {
      try {
        const fresh = await navigator.mediaDevices.getUserMedia({ video: ctx.constraints("video") });
        v.local.addTrack(fresh.getVideoTracks()[0]);
      } catch (error) {
        v.cameraOff = true;
        mediaError(error);
        render();
        return;
      }
    }
    if (v.videoSender) await v.videoSender.replaceTrack(ctx.sendingVideoTrack());
    if (tell && publishing() && !v.screen)
      client.send("rooms.rtc_mute", { kind: "video", muted: off }).catch(failed);
    const preview = $("video-preview");
    if (!preview.hidden) preview.srcObject = v.local;
    render();
    ctx.refreshSelf();
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
    ctx.refreshSelf();
  }

  async function stopScreen({ restoreCamera }) {
    if (!v.screen) return;
    const track = v.screen;
    v.screen = null;
    track.stop();
    if (restoreCamera && v.videoSender) {
      await v.videoSender.replaceTrack(ctx.sendingVideoTrack());
      if (v.cameraOff && publishing()) client.send("rooms.rtc_mute", { kind: "video", muted: true }).catch(failed);
      status(joinedText());
    }
    render();
    ctx.refreshSelf();
  }

  // Tiles -------------------------------------------------------------------------------------

  // Speaking indicator and active speaker ------------------------------------------------------

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
    ctx.renderTiles();
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
        button(fmt(t.video_give_floor, { name: hand.name }), () =>
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
      if (snapshot.media.tracks) v.tracks = ctx.mergeTracks(v.tracks, snapshot.media.tracks);
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
    // Keep publish_media when a frame does not mention it (the page's own frame on a final close).
    const kept = "publish_media" in v.capabilities && !("publish_media" in caps);
    v.capabilities = kept ? { publish_media: v.capabilities.publish_media, ...caps } : { ...caps };
    const can = canPublish();
    if (!could && can && v.me) {
      status(t.video_floor_given);
    } else if (could && !can && v.mode === "publish") {
      closePublish();
      stopScreen({ restoreCamera: false });
      ctx.releaseLocal();
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

  // Frames: the room's snapshot and state first, then the media's own events.
  client.on("rooms.room_synced", (snapshot) => {
    synced(snapshot);
    hands(snapshot.hands || []);
  });
  client.on("rooms.capabilities_changed", (payload) => capabilities(payload.capabilities));
  client.on("rooms.hands_changed", (payload) => hands(payload.queue || []));
  client.on("client.status", ({ state }) => connection(state));
  client.on("rooms.rtc_offer", (payload) => {
    // Before our first answer, an offer can only be a late one for a connection we closed
    // (the server renegotiates a subscribe connection only once it is stable).
    if (v.sub && v.subAnswering === v.generation && (!payload.pc || payload.pc === "subscribe"))
      ctx.answer(v.generation, payload.sdp).catch(failed);
  });
  client.on("rooms.media_tracks_changed", (payload) => {
    v.tracks = payload.tracks || [];
    ctx.renderTiles();
  });
  client.on("rooms.media_state_changed", mediaState);
  client.on("rooms.media_muted", mutedByFacilitator);
  // rooms.floor_changed needs nothing here: the person given (or refused) the floor gets
  // rooms.capabilities_changed with publish_media as the rule now answers.
  client.on("rooms.call_ended", () => {
    if (v.mode) leave({ quiet: true });
    status(t.video_call_ended);
  });

  // Controls ---------------------------------------------------------------------------------

  $("video-preview-toggle").addEventListener("click", () => {
    if ($("video-preview").hidden) ctx.startPreview().catch(mediaError);
    else ctx.stopPreview();
  });
  $("video-join").addEventListener("click", () => joinWithVideo());
  $("video-follow").addEventListener("click", () => follow());
  $("video-camera").addEventListener("change", () => ctx.switchDevice("video"));
  $("video-microphone").addEventListener("change", () => ctx.switchDevice("audio"));
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
  navigator.mediaDevices?.addEventListener?.("devicechange", () => ctx.listDevices().catch(() => {}));
  ctx.listDevices().catch(() => {});
  render();

}
