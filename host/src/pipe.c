/*
 * pipe.c - frames in, records out, over any transport.
 */
#include "anpr/pipe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anpr/anpr.h"
#include "anpr/image.h"
#include "anpr/usbwire.h"
#include "anpr_model.h"
#include "transport.h"

struct anpr_pipe {
	const struct anpr_transport_ops *ops;
	void *state;
	uint8_t *buf; /* record bytes of the current frame */
	size_t len, cap;
	uint8_t *bin;   /* a frame larger than the build, binned */
	size_t bin_cap;
	uint8_t *crops; /* the crops of a binned frame, cut from the frame as given */
	size_t crops_cap;
	unsigned scale; /* the last frame's anpr_frame_result.scale */
	unsigned roi[4]; /* anpr_pipe_set_region: x0, y0, x1, y1 of frames as given; x1 0: none */
	unsigned reg[ANPR_USB_REG_NCFG]; /* anpr_pipe_set_registers: values in place of the defaults */
	uint32_t reg_set;                /* bit i: reg[i] (anpr_usb_cfg_regs[i]) is set */
	char err[256];
};

const char *anpr_strerror(int err)
{
	switch (err) {
	case ANPR_OK: return "success";
	case ANPR_ERR_ARG: return "invalid argument";
	case ANPR_ERR_NOMEM: return "out of memory";
	case ANPR_ERR_IO: return "input/output error";
	case ANPR_ERR_PROTOCOL: return "malformed record stream";
	case ANPR_ERR_TIMEOUT: return "pipeline timed out";
	case ANPR_ERR_UNSUPPORTED: return "not supported by this build";
	case ANPR_ERR_FRAME: return "frame dropped by the pipeline";
	default: return "unknown error";
	}
}

static int vfail(anpr_pipe *p, int rc, const char *fmt, va_list ap)
{
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	return rc;
}

static int fail(anpr_pipe *p, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = vfail(p, rc, fmt, ap);
	va_end(ap);
	return rc;
}

/* fail() for a frame whose records were not all read: the transport drops
 * the rest, so that they do not come back as the next frame's */
static int abandon(anpr_pipe *p, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = vfail(p, rc, fmt, ap);
	va_end(ap);
	if (p->ops->discard)
		p->ops->discard(p->state);
	return rc;
}

int anpr_pipe_open(anpr_pipe **out, const char *backend, char *err, size_t errlen)
{
	static const struct anpr_transport_ops *const all[] = {&anpr_transport_model,
							       &anpr_transport_sim, &anpr_transport_usb};
	const char *colon = strchr(backend, ':');
	size_t nlen = colon ? (size_t)(colon - backend) : strlen(backend);
	anpr_pipe *p;
	int rc;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strlen(all[i]->name) != nlen || strncmp(all[i]->name, backend, nlen))
			continue;
		p = calloc(1, sizeof(*p));
		if (!p)
			return ANPR_ERR_NOMEM;
		p->ops = all[i];
		p->scale = 1;
		rc = p->ops->open(&p->state, colon ? colon + 1 : NULL, err, errlen);
		if (rc) {
			free(p);
			return rc;
		}
		*out = p;
		return ANPR_OK;
	}
	snprintf(err, errlen, "unknown backend '%s' (model, sim, usb)", backend);
	return ANPR_ERR_ARG;
}

/* *buf holds at least need bytes (grown, never shrunk); 0, or -1 */
static int reserve(uint8_t **buf, size_t *cap, size_t need)
{
	uint8_t *b;

	if (need <= *cap)
		return 0;
	b = realloc(*buf, need);
	if (!b)
		return -1;
	*buf = b;
	*cap = need;
	return 0;
}

/* Map a binned frame's result back to the frame as given (anpr_frame_result) */
static int unbin(anpr_pipe *p, struct anpr_frame_result *r, const uint8_t *pixels, unsigned width,
		 unsigned height, unsigned k)
{
	size_t need = 0, off = 0;
	unsigned i, y;
	int c;

	for (i = 0; i < r->ncands; i++)
		need += (size_t)r->cands[i].crop.w * k * r->cands[i].crop.h * k;
	if (reserve(&p->crops, &p->crops_cap, need))
		return fail(p, ANPR_ERR_NOMEM, "out of memory");
	r->scale = k;
	r->frame.width = (uint16_t)width;
	r->frame.height = (uint16_t)height;
	for (i = 0; i < r->ncands; i++) {
		struct anpr_rec_cand *cd = &r->cands[i];

		anpr_box_scale(&cd->box, k);
		anpr_box_scale(&cd->crop, k);
		for (c = 0; c < cd->nchars; c++)
			anpr_box_scale(&cd->chars[c], k);
		/* inside the frame: the binned frame leaves out width % k columns, height % k rows */
		for (y = 0; y < cd->crop.h; y++)
			memcpy(p->crops + off + (size_t)y * cd->crop.w,
			       pixels + (size_t)(cd->crop.y + y) * width + cd->crop.x, cd->crop.w);
		cd->pixels = p->crops + off;
		off += (size_t)cd->crop.w * cd->crop.h;
	}
	return ANPR_OK;
}

int anpr_pipe_set_region(anpr_pipe *p, unsigned x, unsigned y, unsigned w, unsigned h)
{
	if (!w || !h) {
		memset(p->roi, 0, sizeof(p->roi));
		return ANPR_OK;
	}
	if (x >= ANPR_IMAGE_MAX_SIDE || y >= ANPR_IMAGE_MAX_SIDE || w > ANPR_IMAGE_MAX_SIDE - x ||
	    h > ANPR_IMAGE_MAX_SIDE - y)
		return fail(p, ANPR_ERR_ARG, "region %u,%u %ux%u reaches beyond %u a side", x, y, w, h,
			    (unsigned)ANPR_IMAGE_MAX_SIDE);
	p->roi[0] = x, p->roi[1] = y, p->roi[2] = x + w, p->roi[3] = y + h;
	return ANPR_OK;
}

/* The registers of a frame: the defaults for its size, the registers set,
 * the region (binned by k as the frame was). */
static void frame_cfg(const anpr_pipe *p, const unsigned *reg, uint32_t reg_set,
		      const struct anpr_model_params *par, unsigned width, unsigned height, unsigned k,
		      struct anpr_model_cfg *cfg)
{
	anpr_model_cfg_default(par, cfg, width, height);
	for (unsigned i = 0; i < ANPR_USB_REG_NCFG; i++)
		if (reg_set >> i & 1)
			*anpr_usb_cfg_field(cfg, i) = reg[i];
	if (p->roi[2]) { /* the region, binned as the frame was, outwards */
		cfg->roi_x0 = p->roi[0] / k < 4094 ? p->roi[0] / k : 4094;
		cfg->roi_y0 = p->roi[1] / k < 4094 ? p->roi[1] / k : 4094;
		cfg->roi_x1 = (p->roi[2] + k - 1) / k < 4095 ? (p->roi[2] + k - 1) / k : 4095;
		cfg->roi_y1 = (p->roi[3] + k - 1) / k < 4095 ? (p->roi[3] + k - 1) / k : 4095;
		if (cfg->roi_x1 <= cfg->roi_x0)
			cfg->roi_x1 = cfg->roi_x0 + 1;
		if (cfg->roi_y1 <= cfg->roi_y0)
			cfg->roi_y1 = cfg->roi_y0 + 1;
	}
}

/* anpr_model_cfg_check's field as the registers that set it */
static const char *reg_names(const char *field)
{
	return !strcmp(field, "aspect") ? "min_aspect4/max_aspect"
	       : !strcmp(field, "max_w") ? "min_w/max_w"
	       : !strcmp(field, "max_h") ? "min_h/max_h"
					 : field;
}

int anpr_pipe_set_registers(anpr_pipe *p, const struct anpr_pipe_reg *regs, int n)
{
	const struct anpr_model_params *par = p->ops->params(p->state);
	unsigned reg[ANPR_USB_REG_NCFG];
	uint32_t set = 0;
	struct anpr_model_cfg cfg;
	const char *field = NULL;
	unsigned i;

	memcpy(reg, p->reg, sizeof(reg));
	for (int k = 0; k < n; k++) {
		int found = anpr_usb_cfg_find(regs[k].name);

		if (found < 0)
			return fail(p, ANPR_ERR_ARG, "%s: no such register (docs/registers.md section 1)",
				    regs[k].name);
		i = (unsigned)found;
		if (i < 2)
			return fail(p, ANPR_ERR_ARG, "%s: set by each frame's size", regs[k].name);
		if (!strncmp(regs[k].name, "roi_", 4))
			return fail(p, ANPR_ERR_ARG, "%s: the detection region is set as a whole (--region, "
					"anpr_pipe_set_region)", regs[k].name);
		if (regs[k].value >> anpr_usb_cfg_regs[i].bits)
			return fail(p, ANPR_ERR_ARG, "%s %u: wider than the register's %u bits", regs[k].name,
				    regs[k].value, anpr_usb_cfg_regs[i].bits);
		reg[i] = regs[k].value;
		set |= (uint32_t)1 << i;
	}
	/* the whole set against the build, on a frame of its widest lines */
	frame_cfg(p, reg, p->reg_set | set, par, par->max_width, 720, 1, &cfg);
	if (anpr_model_cfg_check(par, &cfg, &field))
		return fail(p, ANPR_ERR_ARG, "register %s out of range for this build (docs/registers.md)",
			    reg_names(field));
	memcpy(p->reg, reg, sizeof(reg));
	p->reg_set |= set;
	return ANPR_OK;
}

int anpr_pipe_run(anpr_pipe *p, const uint8_t *pixels, unsigned width, unsigned height,
		  struct anpr_frame_result *res)
{
	struct anpr_frame_result r;
	size_t off = 0, cand_off[16];
	const struct anpr_model_params *par = p->ops->params(p->state);
	unsigned max_w = par->max_width, k;
	struct anpr_model_cfg cfg;
	const char *field = NULL;
	const uint8_t *given = pixels;
	unsigned given_w = width, given_h = height;
	int rc, have_frame = 0;

	memset(&r, 0, sizeof(r));
	r.scale = 1;
	p->scale = 1;
	/* the records' frame size and the boxes mapped back are 16-bit */
	if (width > ANPR_IMAGE_MAX_SIDE || height > ANPR_IMAGE_MAX_SIDE)
		return fail(p, ANPR_ERR_ARG, "frame %ux%u is larger than %u a side", width, height,
			    (unsigned)ANPR_IMAGE_MAX_SIDE);
	/* a region meant for another camera's frames would find nothing, silently */
	if (p->roi[2] && (p->roi[0] >= width || p->roi[1] >= height))
		return fail(p, ANPR_ERR_ARG, "the region %u,%u %ux%u lies outside the %ux%u frame", p->roi[0],
			    p->roi[1], p->roi[2] - p->roi[0], p->roi[3] - p->roi[1], width, height);
	k = anpr_image_bin_factor(width, height, max_w, ANPR_MAX_LINES);
	if (k > 1 && width / k >= 16 && height / k >= 8) {
		if (reserve(&p->bin, &p->bin_cap, (size_t)(width / k) * (height / k)))
			return fail(p, ANPR_ERR_NOMEM, "out of memory");
		anpr_image_bin(pixels, width, height, k, p->bin);
		pixels = p->bin;
		width /= k;
		height /= k;
	}
	if (k > 1 && width == given_w) /* binning it to fit leaves too little */
		return fail(p, ANPR_ERR_ARG,
			    "frame %ux%u does not fit this build (16..%u wide, 8..%u high), nor binned %ux%u (%ux%u)",
			    given_w, given_h, max_w, ANPR_MAX_LINES, k, k, given_w / k, given_h / k);
	if (width < 16 || height < 8 || width > max_w || height > ANPR_MAX_LINES)
		return fail(p, ANPR_ERR_ARG, "frame %ux%u does not fit this build (16..%u wide, 8..%u high)",
			    given_w, given_h, max_w, ANPR_MAX_LINES);
	frame_cfg(p, p->reg, p->reg_set, par, width, height, k, &cfg);
	if (anpr_model_cfg_check(par, &cfg, &field))
		return fail(p, ANPR_ERR_ARG, "frame %ux%u: register %s out of range for this build", given_w,
			    given_h, reg_names(field));
	rc = p->ops->send_frame(p->state, pixels, &cfg);
	if (rc)
		return p->ops->errmsg ? fail(p, rc, "%s", p->ops->errmsg(p->state))
				      : fail(p, rc, "%s: could not send the frame", p->ops->name);
	p->len = 0;
	for (;;) {
		struct anpr_record rec;
		size_t used;
		const char *why = NULL;
		enum anpr_rec_status st;
		long n;

		st = off < p->len ? anpr_rec_parse(p->buf + off, p->len - off, &rec, &used, &why)
				  : ANPR_REC_INCOMPLETE;
		if (st == ANPR_REC_BAD)
			return abandon(p, ANPR_ERR_PROTOCOL, "%s: bad record at byte %zu: %s", p->ops->name,
				       off, why);
		if (st == ANPR_REC_OK) {
			off += used;
			if (rec.type == ANPR_REC_FRAME) {
				r.frame = rec.u.frame;
				have_frame = 1;
			} else if (rec.type == ANPR_REC_CAND && r.ncands < 16) {
				const struct anpr_box *c = &rec.u.cand.crop;

				/* the crop is cut from the frame as given when it was binned (unbin) */
				if (c->x + c->w > width || c->y + c->h > height)
					return abandon(p, ANPR_ERR_PROTOCOL,
						       "%s: bad record at byte %zu: candidate crop outside the %ux%u frame",
						       p->ops->name, off - used, width, height);
				cand_off[r.ncands] = off - used;
				r.cands[r.ncands++] = rec.u.cand;
			} else if (rec.type == ANPR_REC_END) {
				if (!have_frame)
					return abandon(p, ANPR_ERR_PROTOCOL, "%s: END without FRAME",
						       p->ops->name);
				r.end = rec.u.end;
				/* the buffer may have moved while it grew */
				for (unsigned i = 0; i < r.ncands; i++)
					r.cands[i].pixels = p->buf + cand_off[i] + ANPR_CAND_HDR_LEN;
				if (k > 1 && (rc = unbin(p, &r, given, given_w, given_h, k)))
					return rc;
				p->scale = r.scale;
				*res = r;
				if (r.end.flags & (ANPR_END_F_SOF_EARLY | ANPR_END_F_SHORT_LINE |
						   ANPR_END_F_LONG_LINE))
					return fail(p, ANPR_ERR_FRAME, "%s: frame dropped (flags 0x%02x)",
						    p->ops->name, r.end.flags);
				return ANPR_OK;
			}
			continue;
		}
		if (p->len == p->cap) {
			size_t cap = p->cap ? 2 * p->cap : 1 << 16;
			uint8_t *b = realloc(p->buf, cap);

			if (!b)
				return abandon(p, ANPR_ERR_NOMEM, "out of memory");
			p->buf = b;
			p->cap = cap;
		}
		n = p->ops->recv(p->state, p->buf + p->len, p->cap - p->len);
		if (n < 0)
			return p->ops->errmsg ? abandon(p, (int)n, "%s", p->ops->errmsg(p->state))
					      : abandon(p, (int)n, "%s: receive failed", p->ops->name);
		if (n == 0)
			return abandon(p, ANPR_ERR_TIMEOUT, "%s: no END record for the frame", p->ops->name);
		p->len += (size_t)n;
	}
}

unsigned anpr_pipe_scale(const anpr_pipe *p)
{
	return p->scale;
}

const char *anpr_pipe_errmsg(const anpr_pipe *p)
{
	return p->err;
}

uint64_t anpr_pipe_cycles(const anpr_pipe *p)
{
	return p->ops->cycles(p->state);
}

void anpr_pipe_close(anpr_pipe *p)
{
	if (!p)
		return;
	p->ops->close(p->state);
	free(p->buf);
	free(p->bin);
	free(p->crops);
	free(p);
}
