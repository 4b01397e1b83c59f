/*
 * classify_x86.h - the x86 vector kernels of classify.c, written once and
 * compiled once per instruction set: classify.c includes this file with
 *   KSUF            the kernels' name suffix (avx2, vnni)
 *   KTARGET         the target attribute ("avx2", "avx2,avx512vnni,avx512vl")
 *   DOT(a, b, w)    a + for each 32-bit lane, the sum of the four products
 *                   of b's unsigned bytes and w's signed bytes
 * defined, and undefines them after. Every product is an activation (0..127)
 * times a weight (|w| <= 127), so AVX2's vpmaddubsw never saturates and the
 * sums equal VNNI's vpdpbusd, and the portable C's: the same bits on every
 * path (tests/unit: test_classify_kernels_agree).
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

#undef KGROUP
#undef KFN
#undef KN
#undef KCAT
#undef KCAT2
#undef KSUF
#undef KTARGET
#undef DOT
