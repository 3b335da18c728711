/*
 * Batched UDP for the DNS server (Linux): recvmmsg/sendmmsg on the main thread, driven by a
 * libuv poll handle on the default loop. One JS call per batch of up to 64 datagrams instead of
 * one callback, two syscalls and several allocations per datagram.
 *
 * Shared memory with JS (all passed to start() and kept referenced until close()):
 *   in       BATCH * SLOT bytes: datagram i in slot i
 *   out      BATCH * SLOT bytes: reply i in slot i
 *   lengths  Int32Array(BATCH): datagram lengths (-1: dropped, larger than a slot)
 *   outLens  Int32Array(BATCH): reply lengths written by JS (0: no reply)
 *   sources  BATCH * SRC_STRIDE bytes: [family (1 = IPv4, 2 = IPv6), 0, 0, 0, 16 address bytes]
 * Nothing a client sends can make this code read or write outside these buffers: lengths come
 * from the kernel, reply lengths are checked against the slot size.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#define BATCH 64
#define SLOT 4096
#define SRC_STRIDE 20
#define MAX_ROUNDS 8
#define MAGIC 0x75647062u

typedef struct {
  uint32_t magic;
  int fd;
  int ipv6;
  int started;    /* poll initialised */
  int closed;     /* close() done (fd closed, refs released) */
  int uv_closing; /* uv_close called, close callback not yet run */
  int js_gone;    /* the JS handle was finalised */
  napi_env env;
  napi_ref cb, in_ref, out_ref, len_ref, olen_ref, src_ref;
  uint8_t *in, *out, *src;
  int32_t *lens, *olens;
  uv_poll_t poll;
  struct mmsghdr rmsg[BATCH];
  struct iovec riov[BATCH];
  struct sockaddr_storage addrs[BATCH];
  struct mmsghdr smsg[BATCH];
  struct iovec siov[BATCH];
} Sock;

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static void delete_ref(napi_env env, napi_ref *r) {
  if (*r != NULL) {
    napi_delete_reference(env, *r);
    *r = NULL;
  }
}

static void on_uv_closed(uv_handle_t *h) {
  Sock *s = (Sock *)h->data;
  s->uv_closing = 0;
  if (s->js_gone) {
    s->magic = 0;
    free(s);
  }
}

/* Stop polling, close the socket, release the JS buffers. Idempotent. */
static void shut(Sock *s) {
  if (s->closed) return;
  s->closed = 1;
  if (s->started) {
    uv_poll_stop(&s->poll);
    s->uv_closing = 1;
    uv_close((uv_handle_t *)&s->poll, on_uv_closed);
  }
  if (s->fd >= 0) {
    close(s->fd);
    s->fd = -1;
  }
  delete_ref(s->env, &s->cb);
  delete_ref(s->env, &s->in_ref);
  delete_ref(s->env, &s->out_ref);
  delete_ref(s->env, &s->len_ref);
  delete_ref(s->env, &s->olen_ref);
  delete_ref(s->env, &s->src_ref);
  s->in = s->out = s->src = NULL;
  s->lens = s->olens = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  Sock *s = (Sock *)data;
  shut(s);
  s->js_gone = 1;
  if (!s->uv_closing) {
    s->magic = 0;
    free(s);
  }
}

static Sock *get_sock(napi_env env, napi_value v) {
  napi_valuetype t;
  void *p = NULL;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) return NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) return NULL;
  Sock *s = (Sock *)p;
  return s->magic == MAGIC ? s : NULL;
}

static void write_source(Sock *s, int i) {
  uint8_t *d = s->src + (size_t)i * SRC_STRIDE;
  memset(d, 0, SRC_STRIDE);
  const struct sockaddr_storage *a = &s->addrs[i];
  if (a->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
    d[0] = 1;
    memcpy(d + 4, &v4->sin_addr, 4);
  } else if (a->ss_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)a;
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      d[0] = 1;
      memcpy(d + 4, ((const uint8_t *)&v6->sin6_addr) + 12, 4);
    } else {
      d[0] = 2;
      memcpy(d + 4, &v6->sin6_addr, 16);
    }
  }
}

static void send_replies(Sock *s, int m) {
  int off = 0;
  int retried = 0;
  while (off < m) {
    int r = sendmmsg(s->fd, s->smsg + off, (unsigned)(m - off), MSG_DONTWAIT);
    if (r > 0) {
      off += r;
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      if (retried) return; /* the send buffer is full: drop the rest (clients retry) */
      retried = 1;
      continue;
    }
    if (r < 0) {
      off++; /* this destination failed (e.g. unreachable): skip it, send the others */
      continue;
    }
    return;
  }
}

static void on_readable(uv_poll_t *h, int status, int events) {
  Sock *s = (Sock *)h->data;
  if (s == NULL || s->closed) return;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv;
  if (napi_get_reference_value(env, s->cb, &cb) != napi_ok || cb == NULL ||
      napi_get_global(env, &recv) != napi_ok) {
    napi_close_handle_scope(env, scope);
    return;
  }
  for (int round = 0; round < MAX_ROUNDS && !s->closed; round++) {
    for (int i = 0; i < BATCH; i++) {
      s->riov[i].iov_base = s->in + (size_t)i * SLOT;
      s->riov[i].iov_len = SLOT;
      memset(&s->rmsg[i].msg_hdr, 0, sizeof(struct msghdr));
      s->rmsg[i].msg_hdr.msg_name = &s->addrs[i];
      s->rmsg[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
      s->rmsg[i].msg_hdr.msg_iov = &s->riov[i];
      s->rmsg[i].msg_hdr.msg_iovlen = 1;
      s->rmsg[i].msg_len = 0;
    }
    int n = recvmmsg(s->fd, s->rmsg, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* EAGAIN: drained; other errors (ICMP reports): try again when readable */
    for (int i = 0; i < n; i++) {
      int len = (int)s->rmsg[i].msg_len;
      if ((s->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) || len > SLOT) len = -1;
      s->lens[i] = len;
      s->olens[i] = 0;
      write_source(s, i);
    }
    napi_value argv[1];
    napi_value result;
    if (napi_create_int32(env, n, &argv[0]) != napi_ok) break;
    napi_status st = napi_make_callback(env, NULL, recv, cb, 1, argv, &result);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
      continue; /* the batch's replies are dropped */
    }
    if (st != napi_ok || s->closed) continue;
    int m = 0;
    for (int i = 0; i < n; i++) {
      int32_t ol = s->olens[i];
      if (s->lens[i] <= 0 || ol <= 0 || ol > SLOT) continue;
      s->siov[m].iov_base = s->out + (size_t)i * SLOT;
      s->siov[m].iov_len = (size_t)ol;
      memset(&s->smsg[m].msg_hdr, 0, sizeof(struct msghdr));
      s->smsg[m].msg_hdr.msg_name = &s->addrs[i];
      s->smsg[m].msg_hdr.msg_namelen = s->rmsg[i].msg_hdr.msg_namelen;
      s->smsg[m].msg_hdr.msg_iov = &s->siov[m];
      s->smsg[m].msg_hdr.msg_iovlen = 1;
      s->smsg[m].msg_len = 0;
      m++;
    }
    if (m > 0) send_replies(s, m);
    if (n < BATCH) break; /* probably drained: saves the EAGAIN syscall */
  }
  napi_close_handle_scope(env, scope);
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  if (argc < want) {
    napi_throw_type_error(env, NULL, "udp_batch: too few arguments");
    return 0;
  }
  return 1;
}

/* open(host, port, ipv6, recvBufferBytes) -> handle */
static napi_value js_open(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!get_args(env, info, 4, argv)) return NULL;
  char host[INET6_ADDRSTRLEN + 1];
  size_t hl = 0;
  int32_t port = 0, rcvbuf = 0;
  bool ipv6 = false;
  if (napi_get_value_string_utf8(env, argv[0], host, sizeof host, &hl) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok ||
      napi_get_value_bool(env, argv[2], &ipv6) != napi_ok ||
      napi_get_value_int32(env, argv[3], &rcvbuf) != napi_ok) {
    napi_throw_type_error(env, NULL, "udp_batch.open(host, port, ipv6, recvBufferBytes)");
    return NULL;
  }
  if (port < 0 || port > 65535) {
    napi_throw_range_error(env, NULL, "udp_batch.open: port out of range");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t sl;
  memset(&ss, 0, sizeof ss);
  if (ipv6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) {
      napi_throw_error(env, NULL, "udp_batch.open: not an IPv6 address");
      return NULL;
    }
    sl = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
      napi_throw_error(env, NULL, "udp_batch.open: not an IPv4 address");
      return NULL;
    }
    sl = sizeof *a;
  }
  int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (rcvbuf > 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &rcvbuf, sizeof rcvbuf);
  }
  if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, e == EADDRINUSE ? "bind EADDRINUSE" : "bind", e);
  }
  Sock *s = (Sock *)calloc(1, sizeof(Sock));
  if (s == NULL) {
    close(fd);
    return throw_errno(env, "udp_batch.open", ENOMEM);
  }
  s->magic = MAGIC;
  s->fd = fd;
  s->ipv6 = ipv6;
  s->env = env;
  napi_value handle;
  if (napi_create_external(env, s, finalize, NULL, &handle) != napi_ok) {
    close(fd);
    free(s);
    napi_throw_error(env, NULL, "udp_batch.open: napi_create_external failed");
    return NULL;
  }
  return handle;
}

static napi_value js_port(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  Sock *s = get_sock(env, argv[0]);
  if (s == NULL || s->fd < 0) {
    napi_throw_error(env, NULL, "udp_batch.port: not an open socket");
    return NULL;
  }
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(s->fd, (struct sockaddr *)&ss, &sl) != 0) return throw_errno(env, "getsockname", errno);
  int port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                      : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  napi_value v;
  napi_create_int32(env, port, &v);
  return v;
}

static int buffer_at_least(napi_env env, napi_value v, size_t need, uint8_t **data) {
  bool is = false;
  void *p = NULL;
  size_t len = 0;
  if (napi_is_buffer(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_buffer_info(env, v, &p, &len) != napi_ok || len < need || p == NULL) return 0;
  *data = (uint8_t *)p;
  return 1;
}

static int int32_array_at_least(napi_env env, napi_value v, size_t need, int32_t **data) {
  bool is = false;
  napi_typedarray_type t;
  size_t len = 0, off = 0;
  void *p = NULL;
  napi_value ab;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, v, &t, &len, &p, &ab, &off) != napi_ok) return 0;
  if (t != napi_int32_array || len < need || p == NULL) return 0;
  *data = (int32_t *)p;
  return 1;
}

/* start(handle, inBuf, outBuf, lengths, outLengths, sources, onBatch) */
static napi_value js_start(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  if (!get_args(env, info, 7, argv)) return NULL;
  Sock *s = get_sock(env, argv[0]);
  if (s == NULL || s->closed || s->fd < 0) {
    napi_throw_error(env, NULL, "udp_batch.start: not an open socket");
    return NULL;
  }
  if (s->started) {
    napi_throw_error(env, NULL, "udp_batch.start: already started");
    return NULL;
  }
  napi_valuetype t;
  uint8_t *in, *out, *src;
  int32_t *lens, *olens;
  if (!buffer_at_least(env, argv[1], (size_t)BATCH * SLOT, &in) ||
      !buffer_at_least(env, argv[2], (size_t)BATCH * SLOT, &out) ||
      !int32_array_at_least(env, argv[3], BATCH, &lens) ||
      !int32_array_at_least(env, argv[4], BATCH, &olens) ||
      !buffer_at_least(env, argv[5], (size_t)BATCH * SRC_STRIDE, &src) ||
      napi_typeof(env, argv[6], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL,
                          "udp_batch.start(handle, in 64*4096, out 64*4096, Int32Array(64), "
                          "Int32Array(64), sources 64*20, onBatch)");
    return NULL;
  }
  uv_loop_t *loop = NULL;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == NULL) {
    napi_throw_error(env, NULL, "udp_batch.start: no event loop");
    return NULL;
  }
  int r = uv_poll_init_socket(loop, &s->poll, s->fd);
  if (r != 0) {
    napi_throw_error(env, NULL, uv_strerror(r));
    return NULL;
  }
  s->poll.data = s;
  s->started = 1;
  napi_create_reference(env, argv[1], 1, &s->in_ref);
  napi_create_reference(env, argv[2], 1, &s->out_ref);
  napi_create_reference(env, argv[3], 1, &s->len_ref);
  napi_create_reference(env, argv[4], 1, &s->olen_ref);
  napi_create_reference(env, argv[5], 1, &s->src_ref);
  napi_create_reference(env, argv[6], 1, &s->cb);
  s->in = in;
  s->out = out;
  s->lens = lens;
  s->olens = olens;
  s->src = src;
  r = uv_poll_start(&s->poll, UV_READABLE, on_readable);
  if (r != 0) {
    shut(s);
    napi_throw_error(env, NULL, uv_strerror(r));
    return NULL;
  }
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!get_args(env, info, 1, argv)) return NULL;
  Sock *s = get_sock(env, argv[0]);
  if (s != NULL) shut(s);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"port", NULL, js_port, NULL, NULL, NULL, napi_default, NULL},
      {"start", NULL, js_start, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_value v;
  napi_create_int32(env, BATCH, &v);
  napi_set_named_property(env, exports, "BATCH", v);
  napi_create_int32(env, SLOT, &v);
  napi_set_named_property(env, exports, "SLOT", v);
  napi_create_int32(env, SRC_STRIDE, &v);
  napi_set_named_property(env, exports, "SRC_STRIDE", v);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
