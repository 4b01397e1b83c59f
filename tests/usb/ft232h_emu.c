/*
 * ft232h_emu.c - the emulated FT232H (ft232h_emu.h).
 *
 * What the host sees is what a real FT232H does: vendor requests on
 * endpoint 0, bulk OUT on 0x02 (bytes to the FIFO, no framing), bulk IN on
 * 0x81 in 512-byte packets that each begin with 2 modem-status bytes, and a
 * status-only packet every latency-timer period when there is no data.
 */
#include "ft232h_emu.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include "anpr/usbwire.h"
#include "anpr_bridge.h"

#define DEVNODE "/dev/bus/usb/001/001"

struct urb {
	UMockdevIoctlData *urb, *buf;
	int len;
};

struct ft232h_emu {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	gchar *root;
	pthread_mutex_t mu;
	anpr_bridge *br;
	GQueue in;   /* bulk-IN URBs waiting for data */
	GQueue done; /* URBs ready to reap */
	gint64 last_out, last_status;
	unsigned latency_ms;
	struct ft232h_faults f;
	long sent, wire_out, wire_in;
	int gone;
	int in_since_out; /* a bulk-IN URB came after the last bulk-OUT one: the host waits for replies */
	unsigned nreq;
	uint8_t req[64];
	uint16_t val[64];
};

static void urb_finish(ft232h_emu *e, struct urb *u, int status, int actual)
{
	struct usbdevfs_urb *p = (struct usbdevfs_urb *)u->urb->data;

	p->status = status;
	p->actual_length = actual;
	umockdev_ioctl_data_update(u->urb, 0, u->urb->data, (gint)sizeof(*p));
	g_queue_push_tail(&e->done, u);
}

static void unplug(ft232h_emu *e)
{
	struct urb *u;

	e->gone = 1;
	while ((u = g_queue_pop_head(&e->in)))
		urb_finish(e, u, -ESHUTDOWN, 0);
}

/* The bridge's command timeout: no byte for ANPR_USB_CMD_TIMEOUT_MS while a
 * command is partly received. Checked on every ioctl, and before new bytes
 * reach the bridge (the real one would have timed out while they were due).
 * Only once the host waits for replies (a bulk-IN URB after the last
 * bulk-OUT one): a test process descheduled between two URBs of one upload
 * (a loaded machine) must not cut its frame, where a host stalled that long
 * on the board would. */
static void cmd_timeout(ft232h_emu *e, gint64 now)
{
	if (anpr_bridge_busy(e->br) && e->in_since_out && now - e->last_out > ANPR_USB_CMD_TIMEOUT_MS * 1000)
		anpr_bridge_timeout(e->br);
}

/* Fill waiting bulk-IN URBs from the bridge's output, 510 data bytes per
 * 512-byte packet after the 2 status bytes. */
static void serve(ft232h_emu *e)
{
	gint64 now = g_get_monotonic_time();

	cmd_timeout(e, now);
	while (!e->gone && !g_queue_is_empty(&e->in)) {
		struct urb *u = g_queue_peek_head(&e->in);
		const uint8_t *src;
		long avail = (long)anpr_bridge_pending(e->br, &src);
		uint8_t *dst = g_malloc(u->len);
		int n = 0;
		long took = 0;

		if (e->f.stall_at >= 0 && e->sent + avail > e->f.stall_at)
			avail = e->f.stall_at > e->sent ? e->f.stall_at - e->sent : 0;
		if (e->f.vanish_at >= 0 && e->sent + avail >= e->f.vanish_at) {
			g_free(dst);
			unplug(e);
			return;
		}
		if (!avail && now - e->last_status < (gint64)e->latency_ms * 1000) {
			g_free(dst);
			return;
		}
		/* packets until the data or the URB runs out; a full last packet is
		 * followed by a status-only one if there is room (the short packet
		 * that ends the transfer) */
		while (n + ANPR_USB_STATUS_BYTES <= u->len) {
			long k = avail - took;
			int room = u->len - n < ANPR_USB_PACKET ? u->len - n : ANPR_USB_PACKET;

			if (k > room - ANPR_USB_STATUS_BYTES)
				k = room - ANPR_USB_STATUS_BYTES;
			if (e->f.short_at >= 0 && e->sent + took <= e->f.short_at &&
			    e->f.short_at < e->sent + took + (k ? k : 1)) {
				dst[n++] = 0x32; /* one status byte, then the packet ends */
				e->f.short_at = -1;
				break;
			}
			dst[n] = 0x32; /* modem status: CTS, DSR */
			dst[n + 1] = 0x60; /* line status: transmitter empty */
			memcpy(dst + n + 2, src + took, (size_t)k);
			for (long i = 0; i < k; i++)
				if (e->sent + took + i == e->f.corrupt_at)
					dst[n + 2 + i] ^= 0xFF;
			n += ANPR_USB_STATUS_BYTES + (int)k;
			took += k;
			if (k < room - ANPR_USB_STATUS_BYTES)
				break; /* a short packet ends the transfer */
		}
		anpr_bridge_consume(e->br, (size_t)took);
		e->sent += took;
		e->wire_in += n;
		e->last_status = now;
		umockdev_ioctl_data_update(u->buf, 0, dst, n);
		g_free(dst);
		g_queue_pop_head(&e->in);
		urb_finish(e, u, 0, n);
	}
}

static void vendor_request(ft232h_emu *e, struct urb *u, const uint8_t *setup)
{
	uint8_t type = setup[0], req = setup[1];
	uint16_t value = (uint16_t)(setup[2] | setup[3] << 8);

	if (type != 0x40 || (req != 0x00 && req != 0x02 && req != 0x09 && req != 0x0B)) {
		urb_finish(e, u, -EPIPE, 0); /* a stall, as the chip answers what it does not know */
		return;
	}
	if (e->nreq < sizeof(e->req)) {
		e->req[e->nreq] = req;
		e->val[e->nreq++] = value;
	}
	if (req == 0x09)
		e->latency_ms = value & 0xFF ? value & 0xFF : 1;
	urb_finish(e, u, 0, 0);
}

static gboolean on_ioctl(UMockdevIoctlBase *handler, UMockdevIoctlClient *client, gpointer data)
{
	ft232h_emu *e = data;
	gulong request = umockdev_ioctl_client_get_request(client);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(client);
	int res = 0, err = 0;

	(void)handler;
	pthread_mutex_lock(&e->mu);
	switch (request) {
	case USBDEVFS_GET_CAPABILITIES: {
		UMockdevIoctlData *d = umockdev_ioctl_data_resolve(arg, 0, sizeof(guint32), NULL);
		guint32 caps = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
			       USBDEVFS_CAP_REAP_AFTER_DISCONNECT | USBDEVFS_CAP_ZERO_PACKET;

		umockdev_ioctl_data_update(d, 0, (guint8 *)&caps, sizeof(caps));
		umockdev_ioctl_data_unref(d);
		break;
	}
	case USBDEVFS_GETDRIVER:
		res = -1, err = ENODATA; /* no kernel driver bound (ftdi_sio would be, on a real machine) */
		break;
	case USBDEVFS_DISCONNECT_CLAIM: /* libusb with auto-detach: no driver to detach, claimed */
	case USBDEVFS_CLAIMINTERFACE:
	case USBDEVFS_RELEASEINTERFACE:
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
	case USBDEVFS_RESET:
		if (e->gone)
			res = -1, err = ENODEV;
		break;
	case USBDEVFS_SUBMITURB: {
		UMockdevIoctlData *ud;
		struct usbdevfs_urb *p;
		struct urb *u;

		if (e->gone) {
			res = -1, err = ENODEV;
			break;
		}
		ud = umockdev_ioctl_data_resolve(arg, 0, sizeof(struct usbdevfs_urb), NULL);
		p = (struct usbdevfs_urb *)ud->data;
		u = g_new0(struct urb, 1);
		u->urb = ud;
		u->len = p->buffer_length;
		u->buf = umockdev_ioctl_data_resolve(ud, offsetof(struct usbdevfs_urb, buffer), (gsize)p->buffer_length,
						     NULL);
		if (p->type == USBDEVFS_URB_TYPE_CONTROL && u->buf && p->buffer_length >= 8) {
			vendor_request(e, u, u->buf->data);
		} else if (p->type == USBDEVFS_URB_TYPE_BULK && p->endpoint == ANPR_USB_EP_OUT) {
			long at = e->f.corrupt_out_at - e->wire_out, cut = e->f.cut_out_at - e->wire_out;
			int len = p->buffer_length, status = 0;
			long pause = e->f.pause_out_at - e->wire_out;

			if (cut >= 0 && cut < len) { /* the transfer fails part-way */
				len = (int)cut;
				status = -EPROTO;
				e->f.cut_out_at = -1;
			}
			if (at >= 0 && at < len)
				u->buf->data[at] ^= 0xFF; /* a bit error on the way to the chip */
			cmd_timeout(e, g_get_monotonic_time());
			e->in_since_out = 0;
			if (len > 0)
				anpr_bridge_write(e->br, u->buf->data, (size_t)len);
			e->last_out = g_get_monotonic_time();
			if (pause >= 0 && pause < len) { /* as if the host came back that much later */
				e->last_out -= ANPR_USB_CMD_TIMEOUT_MS * 1500;
				e->f.pause_out_at = -1;
			}
			e->wire_out += len;
			urb_finish(e, u, status, len);
		} else if (p->type == USBDEVFS_URB_TYPE_BULK && p->endpoint == ANPR_USB_EP_IN && u->buf) {
			g_queue_push_tail(&e->in, u);
			e->in_since_out = 1;
		} else {
			urb_finish(e, u, -EPIPE, 0);
		}
		serve(e);
		break;
	}
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY: {
		struct urb *u;

		serve(e);
		u = g_queue_pop_head(&e->done);
		if (u) {
			UMockdevIoctlData *ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(gpointer), NULL);

			umockdev_ioctl_data_set_ptr(ptr, 0, u->urb);
			umockdev_ioctl_data_unref(ptr);
			if (u->buf)
				umockdev_ioctl_data_unref(u->buf);
			umockdev_ioctl_data_unref(u->urb);
			g_free(u);
		} else {
			res = -1, err = e->gone ? ENODEV : EAGAIN;
		}
		break;
	}
	case USBDEVFS_DISCARDURB: {
		gulong addr = *(gulong *)arg->data;

		res = -1, err = EINVAL;
		for (GList *l = e->in.head; l; l = l->next) {
			struct urb *u = l->data;

			if (u->urb->client_addr == addr) {
				g_queue_delete_link(&e->in, l);
				urb_finish(e, u, -ENOENT, 0);
				res = 0, err = 0;
				break;
			}
		}
		break;
	}
	default:
		pthread_mutex_unlock(&e->mu);
		return FALSE;
	}
	pthread_mutex_unlock(&e->mu);
	umockdev_ioctl_client_complete(client, res, err);
	return TRUE;
}

ft232h_emu *ft232h_emu_new(int with_device)
{
	ft232h_emu *e = g_new0(ft232h_emu, 1);
	struct ft232h_faults none = {-1, -1, -1, -1, -1, -1, -1};

	pthread_mutex_init(&e->mu, NULL);
	e->f = none;
	e->latency_ms = 16; /* the FT232H's default */
	e->tb = umockdev_testbed_new();
	e->br = anpr_bridge_new(NULL);
	if (!with_device)
		return e;
	e->handler = umockdev_ioctl_base_new();
	g_signal_connect(e->handler, "handle-ioctl", G_CALLBACK(on_ioctl), e);
	umockdev_testbed_attach_ioctl(e->tb, DEVNODE, e->handler, NULL);
	/* device descriptor 0403:6014 bcdDevice 9.00; one configuration, one
	 * interface (class ff), bulk IN 0x81 and OUT 0x02 of 512 bytes */
	umockdev_testbed_add_from_string(e->tb,
					 "P: /devices/usb1\n"
					 "N: bus/usb/001/001\n"
					 "E: SUBSYSTEM=usb\n"
					 "E: DRIVER=usb\n"
					 "E: BUSNUM=001\n"
					 "E: DEVNUM=001\n"
					 "E: DEVNAME=" DEVNODE "\n"
					 "E: DEVTYPE=usb_device\n"
					 "A: bConfigurationValue=1\\n\n"
					 "A: busnum=1\\n\n"
					 "A: devnum=1\\n\n"
					 "A: speed=480\\n\n"
					 "H: descriptors=12010002000000400304146000090102030109022000010100803209"
					 "04000002ffffff020705810200020007050202000200\n",
					 NULL);
	return e;
}

void ft232h_emu_free(ft232h_emu *e)
{
	struct urb *u;

	if (!e)
		return;
	if (e->handler)
		umockdev_testbed_detach_ioctl(e->tb, DEVNODE, NULL);
	while ((u = g_queue_pop_head(&e->in)) || (u = g_queue_pop_head(&e->done))) {
		if (u->buf)
			umockdev_ioctl_data_unref(u->buf);
		umockdev_ioctl_data_unref(u->urb);
		g_free(u);
	}
	if (e->handler)
		g_object_unref(e->handler);
	g_object_unref(e->tb);
	anpr_bridge_free(e->br);
	g_free(e->root);
	pthread_mutex_destroy(&e->mu);
	g_free(e);
}

const char *ft232h_emu_root(ft232h_emu *e)
{
	if (!e->root)
		e->root = umockdev_testbed_get_root_dir(e->tb);
	return e->root;
}

void ft232h_emu_faults(ft232h_emu *e, const struct ft232h_faults *f)
{
	pthread_mutex_lock(&e->mu);
	e->f = *f;
	pthread_mutex_unlock(&e->mu);
}

void ft232h_emu_fault_record(ft232h_emu *e, long after)
{
	pthread_mutex_lock(&e->mu);
	anpr_bridge_fault_record(e->br, after);
	pthread_mutex_unlock(&e->mu);
}

void ft232h_emu_fault_cand_move(ft232h_emu *e, int dy)
{
	pthread_mutex_lock(&e->mu);
	anpr_bridge_fault_cand_move(e->br, dy);
	pthread_mutex_unlock(&e->mu);
}

long ft232h_emu_sent(ft232h_emu *e)
{
	long n;

	pthread_mutex_lock(&e->mu);
	n = e->sent;
	pthread_mutex_unlock(&e->mu);
	return n;
}

void ft232h_emu_wire(ft232h_emu *e, long *out_bytes, long *in_bytes)
{
	pthread_mutex_lock(&e->mu);
	*out_bytes = e->wire_out;
	*in_bytes = e->wire_in;
	pthread_mutex_unlock(&e->mu);
}

int ft232h_emu_saw_request(ft232h_emu *e, uint8_t req, uint16_t value)
{
	int saw = 0;

	pthread_mutex_lock(&e->mu);
	for (unsigned i = 0; i < e->nreq; i++)
		saw |= e->req[i] == req && e->val[i] == value;
	pthread_mutex_unlock(&e->mu);
	return saw;
}
