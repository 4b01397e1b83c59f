/*
 * classify_x86.h - the x86 vector kernels of classify.c, written once and
 * compiled once per instruction set: classify.c includes this file with
 *   KSUF            the kernels' name suffix (avx2, vnni)
 *   KTARGET         the target attribute ("avx2", "avx2,avx512vnni,avx512vl")
 *   DOT(a, b, w)    a + for each 32-bit lane, the sum of the four products
 *                   of b's unsigned bytes and w's signed bytes
 * defined, and KWINO too where KN(conv_wino) is wanted (a set whose DOT is
 * three instructions: AVX2), and undefines them after. Every product is an
 * activation (0..127) times a weight (|w| <= 127), so AVX2's vpmaddubsw
 * never saturates and the sums equal VNNI's vpdpbusd, and the portable
 * C's: the same bits on every path (tests/unit:
 * test_classify_kernels_agree).
 */
#define KCAT2(a, b) a##_##b
#define KCAT(a, b) KCAT2(a, b)
#define KN(name) KCAT(name, KSUF)
#define KFN __attribute__((target(KTARGET))) static inline

/* One group: 4 input bytes broadcast, times 8 outputs' weights. */
#define KGROUP(acc, g)                                                                                                \
	do {                                                                                                          \
		(acc) = DOT((acc), _mm256_set1_epi32(in[g]),                                                          \
			    _mm256_loadu_si256((const __m256i *)(w + (size_t)live[g] * gstride)));                    \
	} while (0)

/* 8 outputs: a + the n groups in[0..n) times their weights (group g's at
 * w + live[g] gstride). Four sums in turn, added at the end: each DOT
 * waits for the one before it in its own sum only (a long dense layer is
 * otherwise bound by the instruction's latency, not its throughput). */
KFN __m256i KN(dot8)(__m256i a, const int8_t *w, size_t gstride, int n, const int32_t *in, const int *live)
{
	__m256i a1 = _mm256_setzero_si256(), a2 = a1, a3 = a1;
	int g;

	for (g = 0; g + 4 <= n; g += 4) {
		KGROUP(a, g);
		KGROUP(a1, g + 1);
		KGROUP(a2, g + 2);
		KGROUP(a3, g + 3);
	}
	for (; g < n; g++)
		KGROUP(a, g);
	return _mm256_add_epi32(_mm256_add_epi32(a, a1), _mm256_add_epi32(a2, a3));
}

/* As requant_c for outputs o..o+7: the products in 64 bits, even and odd
 * lanes apart. */
KFN void KN(requant8)(const struct anpr_qlayer *l, int o, __m256i v, uint8_t *out)
{
	const __m128i sh = _mm_cvtsi32_si128(l->shift);
	const __m256i rnd = _mm256_set1_epi64x((int64_t)1 << (l->shift - 1)), top = _mm256_set1_epi64x(127);
	__m256i mul = _mm256_loadu_si256((const __m256i *)(l->mul + o)), ev, od;
	__m128i p;

	v = _mm256_add_epi32(v, _mm256_loadu_si256((const __m256i *)(l->bias + o)));
	v = _mm256_max_epi32(v, _mm256_setzero_si256());
	ev = _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(v, mul), rnd), sh);
	od = _mm256_srl_epi64(
		_mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(v, 32), _mm256_srli_epi64(mul, 32)), rnd), sh);
	ev = _mm256_blendv_epi8(ev, top, _mm256_cmpgt_epi64(ev, top));
	od = _mm256_blendv_epi8(od, top, _mm256_cmpgt_epi64(od, top));
	v = _mm256_or_si256(ev, _mm256_slli_epi64(od, 32));
	p = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
	_mm_storel_epi64((__m128i *)(out + o), _mm_packus_epi16(p, p));
}

__attribute__((target(KTARGET))) static void KN(dense)(const struct anpr_qlayer *l, const int8_t *w, int nout,
							 int ng, const uint8_t *in, int32_t *acc, uint8_t *out)
{
	int32_t x[MAX_GROUPS];
	int live[MAX_GROUPS], n = 0, g, o;

	/* a group of 4 zero inputs adds nothing, and after a ReLU many are
	 * (63 % of the dense layer's on gb-chars): the others, listed once */
	for (g = 0; g < ng; g++) {
		memcpy(&x[n], in + 4 * g, 4);
		live[n] = g;
		n += x[n] != 0;
	}
	for (o = 0; o < nout; o += 8) {
		__m256i a = KN(dot8)(_mm256_setzero_si256(), w + o * 4, (size_t)nout * 4, n, x, live);

		_mm256_storeu_si256((__m256i *)(acc + o), a);
		if (l)
			KN(requant8)(l, o, a, out);
	}
}

__attribute__((target(KTARGET))) static void KN(conv)(const struct anpr_qlayer *l, int nout,
							const struct conv_geom *g)
{
	size_t gstride = (size_t)nout * 4;
	int ng = g->seg / 4, o, x, y, k, ky;

	if (ng == 1) { /* one group per kernel row: 8 outputs' weights stay in registers */
		for (o = 0; o < nout; o += 8) {
			const int8_t *w = l->w + o * 4;
			__m256i w0 = _mm256_loadu_si256((const __m256i *)w),
				w1 = _mm256_loadu_si256((const __m256i *)(w + gstride)),
				w2 = _mm256_loadu_si256((const __m256i *)(w + 2 * gstride));

			for (y = 0; y < g->ph; y++)
				for (x = 0; x < g->pw; x++) {
					__m256i best = _mm256_set1_epi32(INT32_MIN);

					for (k = 0; k < 4; k++) {
						const uint8_t *at = g->in + (2 * y + (k >> 1)) * g->rstride +
								    (size_t)(2 * x + (k & 1)) * g->pstride;
						int32_t r0, r1, r2;
						__m256i a;

						memcpy(&r0, at, 4);
						memcpy(&r1, at + g->rstride, 4);
						memcpy(&r2, at + 2 * g->rstride, 4);
						a = DOT(_mm256_setzero_si256(), _mm256_set1_epi32(r0), w0);
						a = DOT(a, _mm256_set1_epi32(r1), w1);
						a = DOT(a, _mm256_set1_epi32(r2), w2);
						best = _mm256_max_epi32(best, a);
					}
					KN(requant8)(l, o, best, g->out + y * g->orow + (size_t)x * nout);
				}
		}
		return;
	}
	/* 16 outputs at a time (the last 8 alone if nout is an odd multiple of
	 * 8), the four positions of the 2x2 pool together: each weight vector is
	 * loaded once for the four, and the eight sums are independent */
	for (y = 0; y < g->ph; y++)
		for (x = 0; x < g->pw; x++) {
			uint8_t *dst = g->out + y * g->orow + (size_t)x * nout;
			const uint8_t *at[4];

			for (k = 0; k < 4; k++)
				at[k] = g->in + (2 * y + (k >> 1)) * g->rstride + (size_t)(2 * x + (k & 1)) * g->pstride;
			for (o = 0; o < nout; o += 16) {
				int two = o + 16 <= nout, gi;
				__m256i s0[4], s1[4], best0, best1;

				for (k = 0; k < 4; k++)
					s0[k] = s1[k] = _mm256_setzero_si256();
				for (ky = 0; ky < 3; ky++)
					for (gi = 0; gi < ng; gi++) {
						const int8_t *w = l->w + (size_t)(ky * ng + gi) * gstride + o * 4;
						__m256i w0 = _mm256_loadu_si256((const __m256i *)w),
							w1 = two ? _mm256_loadu_si256((const __m256i *)(w + 32)) : w0;

						for (k = 0; k < 4; k++) {
							int32_t v;
							__m256i b;

							memcpy(&v, at[k] + ky * g->rstride + 4 * gi, 4);
							b = _mm256_set1_epi32(v);
							s0[k] = DOT(s0[k], b, w0);
							s1[k] = DOT(s1[k], b, w1);
						}
					}
				best0 = _mm256_max_epi32(_mm256_max_epi32(s0[0], s0[1]), _mm256_max_epi32(s0[2], s0[3]));
				best1 = _mm256_max_epi32(_mm256_max_epi32(s1[0], s1[1]), _mm256_max_epi32(s1[2], s1[3]));
				KN(requant8)(l, o, best0, dst);
				if (two)
					KN(requant8)(l, o + 8, best1, dst);
			}
		}
}

#ifdef KWINO
/* One block of 8 outputs of M = U . V at one of the 16 points (xi): the
 * sum over the channel pairs of vpmaddwd (two int16 products a lane). */
#define WPAIR(acc, cp, blk)                                                                                           \
	(acc) = _mm256_add_epi32((acc), _mm256_madd_epi16(b[cp], _mm256_loadu_si256((const __m256i *)(uu +          \
											      ((size_t)(cp) * nout + o + 8 * (blk)) * 2))))

/* conv as KN(conv), by Winograd's F(2x2, 3x3) on the 2x2 outputs each
 * pooled output takes the max of (classify.c, "Winograd"): u holds the
 * transformed weights (wino_transform's layout), cin the input channels
 * (g->seg / 3, even), at most MAX_C. */
__attribute__((target(KTARGET), always_inline)) static inline void KN(wino_body)(const struct anpr_qlayer *l,
										    const int16_t *u, int nout,
										    int cin,
										    const struct conv_geom *g)
{
	int16_t v[16 * MAX_C] __attribute__((aligned(32)));
	int32_t m[16 * MAX_C] __attribute__((aligned(32)));
	int ncp = cin / 2, y, x, r, c, cb, xi, cp, o;

	for (y = 0; y < g->ph; y++)
		for (x = 0; x < g->pw; x++) {
			const uint8_t *at = g->in + (size_t)(2 * y) * g->rstride + (size_t)(2 * x) * g->pstride;

			/* V = B^T d B of the 4x4 input patch, 8 channels a vector */
			for (cb = 0; cb < cin; cb += 8) {
				__m128i d[4][4];

				for (r = 0; r < 4; r++)
					for (c = 0; c < 4; c++)
						d[r][c] = _mm_cvtepu8_epi16(_mm_loadl_epi64(
							(const __m128i *)(at + r * g->rstride + (size_t)c * g->pstride + cb)));
				for (c = 0; c < 4; c++) {
					__m128i t0 = _mm_sub_epi16(d[0][c], d[2][c]), t1 = _mm_add_epi16(d[1][c], d[2][c]),
						t2 = _mm_sub_epi16(d[2][c], d[1][c]), t3 = _mm_sub_epi16(d[1][c], d[3][c]);

					d[0][c] = t0;
					d[1][c] = t1;
					d[2][c] = t2;
					d[3][c] = t3;
				}
				for (r = 0; r < 4; r++) {
					int16_t *row = v + 4 * r * cin + cb;

					_mm_store_si128((__m128i *)row, _mm_sub_epi16(d[r][0], d[r][2]));
					_mm_store_si128((__m128i *)(row + cin), _mm_add_epi16(d[r][1], d[r][2]));
					_mm_store_si128((__m128i *)(row + 2 * cin), _mm_sub_epi16(d[r][2], d[r][1]));
					_mm_store_si128((__m128i *)(row + 3 * cin), _mm_sub_epi16(d[r][1], d[r][3]));
				}
			}
			/* M = U . V at each point, over the channels: the two
			 * channels of a pair broadcast once for 4 blocks of 8
			 * outputs where there are 4 */
			for (xi = 0; xi < 16; xi++) {
				const int16_t *uu = u + (size_t)xi * ncp * nout * 2;
				__m256i b[MAX_C / 2];

				for (cp = 0; cp < ncp; cp++) {
					int32_t pair;

					memcpy(&pair, v + xi * cin + 2 * cp, 4);
					b[cp] = _mm256_set1_epi32(pair);
				}
				for (o = 0; o + 32 <= nout; o += 32) {
					__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;

					for (cp = 0; cp < ncp; cp++) {
						WPAIR(a0, cp, 0);
						WPAIR(a1, cp, 1);
						WPAIR(a2, cp, 2);
						WPAIR(a3, cp, 3);
					}
					_mm256_store_si256((__m256i *)(m + xi * nout + o), a0);
					_mm256_store_si256((__m256i *)(m + xi * nout + o + 8), a1);
					_mm256_store_si256((__m256i *)(m + xi * nout + o + 16), a2);
					_mm256_store_si256((__m256i *)(m + xi * nout + o + 24), a3);
				}
				for (; o < nout; o += 8) {
					__m256i a0 = _mm256_setzero_si256();

					for (cp = 0; cp < ncp; cp++)
						WPAIR(a0, cp, 0);
					_mm256_store_si256((__m256i *)(m + xi * nout + o), a0);
				}
			}
			/* Y = A^T M A: the 2x2 outputs, each 4 times its sum; the
			 * max of the four, divided by 4 (exact) */
			for (o = 0; o < nout; o += 8) {
				__m256i z0[4], z1[4], best;

				for (r = 0; r < 4; r++) {
					const int32_t *mr = m + 4 * r * nout + o;
					__m256i m0 = _mm256_load_si256((const __m256i *)mr),
						m1 = _mm256_load_si256((const __m256i *)(mr + nout)),
						m2 = _mm256_load_si256((const __m256i *)(mr + 2 * nout)),
						m3 = _mm256_load_si256((const __m256i *)(mr + 3 * nout));

					z0[r] = _mm256_add_epi32(_mm256_add_epi32(m0, m1), m2);
					z1[r] = _mm256_sub_epi32(_mm256_sub_epi32(m1, m2), m3);
				}
				best = _mm256_max_epi32(
					_mm256_max_epi32(_mm256_add_epi32(_mm256_add_epi32(z0[0], z0[1]), z0[2]),
							 _mm256_add_epi32(_mm256_add_epi32(z1[0], z1[1]), z1[2])),
					_mm256_max_epi32(_mm256_sub_epi32(_mm256_sub_epi32(z0[1], z0[2]), z0[3]),
							 _mm256_sub_epi32(_mm256_sub_epi32(z1[1], z1[2]), z1[3])));
				KN(requant8)(l, o, _mm256_srai_epi32(best, 2), g->out + y * g->orow + (size_t)x * nout);
			}
		}
}

/* The body inlined with the shape of the compiled-in networks' conv2 as
 * constants, so that its loops unroll; with any other, as it comes. */
__attribute__((target(KTARGET))) static void KN(conv_wino)(const struct anpr_qlayer *l, const int16_t *u, int nout,
							     int cin, const struct conv_geom *g)
{
	if (cin == 8 && nout == 32)
		KN(wino_body)(l, u, 32, 8, g);
	else
		KN(wino_body)(l, u, nout, cin, g);
}
#undef WPAIR
#undef KWINO
#endif

#undef KGROUP
#undef KFN
#undef KN
#undef KCAT
#undef KCAT2
#undef KSUF
#undef KTARGET
#undef DOT
