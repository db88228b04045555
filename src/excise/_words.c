/* excise._words: the words of a batch of units, read in C and looked up in the content model.
 *
 * For the units of a batch of documents, WordTable.scan() gives what features.DocWords holds when
 * it is built from the Python views (features.view_units), and what ngrams.NgramTable.score looks
 * up for each word, as flat arrays:
 *
 *   per unit  the number of its words                              len(UnitView.words)
 *   per word  its place among the batch's distinct words, in the   DocWords.index
 *             order of their first occurrence
 *             its vocabulary id (0: unknown)                       NgramTable.vocab.get(word, 0)
 *             whether it is a stopword                             word in features.STOPWORDS
 *             whether it is longer than three characters           len(word) > 3 (features._cohesion)
 *             the weight of the bigram it starts in its unit       NgramTable.score's pair_w
 *             (0 where there is none)
 *
 * The common case is read here without making a str per word or a view per unit: a TEXT unit whose
 * normalize.fold is a plain mapping of its characters (ASCII is lower-cased, a '&' read as html.unescape
 * reads it where that is simple: entity_at; any other character must be one that features._compiled_fold
 * says folds the same wherever it stands), and
 * in which _MAYBE_OBFUSCATED does not match, so that features._words is features._tokens of the
 * folded text. Every other unit (a link, a rarer HTML entity, letters of other scripts, spaced-out
 * letters or l33t digits) is read by its Python view (the make_view argument of scan,
 * features.UnitView), and the words of that view are looked up in the same tables, so that ids and
 * distinct places agree whichever way a unit was read. tests/test_words_compiled.py holds the two
 * paths to the same arrays.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* segment.TEXT */
#define TEXT 0

static PyObject *str_words; /* the interned name "words" */

/* --------------------------------------------------------------------------- ASCII character classes */

/* What each byte of folded text is, as bits: a \w ([A-Za-z0-9_]), a lower-case letter, one of the
 * [ .\-_*] that glue spaced-out letters, one of the l33t [013457@$]. Bytes 128 and up never occur in
 * folded text; 0 stands for a character that is none of these (see features._compiled_fold). */
enum { WORD = 1, LOWER = 2, SPACER = 4, LEET = 8 };
static unsigned char classes[256];

static void
init_classes(void)
{
    for (int c = 1; c < 128; c++) {
        int lower = c >= 'a' && c <= 'z';
        int word = lower || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        classes[c] = (unsigned char)((word ? WORD : 0) | (lower ? LOWER : 0) | (strchr(" .-_*", c) ? SPACER : 0)
                                     | (strchr("013457@$", c) ? LEET : 0));
    }
}

static inline int
is_word(unsigned char c)
{
    return (classes[c] & WORD) != 0;
}

static inline int
is_lower(unsigned char c)
{
    return (classes[c] & LOWER) != 0;
}

/* --------------------------------------------------------------------------- hashing, tokens */

/* The hash of a string: FNV-1a over its bytes (HASH_START, then hash_step for each byte), then
 * hash_end's mix, so that the low bits (the slot) depend on every byte. */
#define HASH_START 14695981039346656037ULL

static inline uint64_t
hash_step(uint64_t h, unsigned char c)
{
    return (h ^ c) * 1099511628211ULL;
}

static inline uint64_t
hash_end(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

static inline uint64_t
hash_bytes(const char *s, Py_ssize_t n)
{
    uint64_t h = HASH_START;
    for (Py_ssize_t i = 0; i < n; i++) {
        h = hash_step(h, (unsigned char)s[i]);
    }
    return hash_end(h);
}

/* features._maybe_obfuscated on folded text: whether
 * r"\b[a-z][ .\-_*][a-z][ .\-_*][a-z]\b|[a-z][013457@$]+[a-z]" (what _MAYBE_OBFUSCATED matches)
 * matches anywhere in s. On this text \b is a change between a WORD byte and any other.
 *
 * Both alternatives in one pass over the classes of the bytes, without a branch per byte, the text
 * padded with a byte of no class at either end:
 * - "v1agra": `armed` says that the byte before ends a run of l33t signs that follows a letter; a letter
 *   then matches;
 * - "v.i.a": `window` holds the classes of the last seven bytes (the newest in its low byte), which match
 *   where they are a non-word, letter, separator, letter, separator, letter, non-word. */
static int
maybe_obfuscated(const unsigned char *s, Py_ssize_t n)
{
    const uint64_t present = (uint64_t)LOWER << 8 | (uint64_t)SPACER << 16 | (uint64_t)LOWER << 24
                             | (uint64_t)SPACER << 32 | (uint64_t)LOWER << 40;
    const uint64_t absent = (uint64_t)WORD | (uint64_t)WORD << 48;
    uint64_t window = 0;
    unsigned armed = 0, letter = 0, found = 0;
    for (Py_ssize_t i = 0; i <= n; i++) {
        unsigned c = i < n ? classes[s[i]] : 0;
        unsigned lower = (c & LOWER) != 0;
        found |= lower & armed;
        armed = ((c & LEET) != 0) & (armed | letter);
        letter = lower;
        window = window << 8 | c;
        found |= ((window & present) == present) & ((window & absent) == 0);
    }
    return (int)found;
}

/* The next token of folded text s[:n] from s[*i] on, as features._TOKEN, r"\w+(?:'\w+)?", finds it:
 * a run of \w, and one apostrophe with the run after it when a \w follows the apostrophe. So "it's"
 * is one token, "rock'n'roll" two ("rock'n", "roll"), "'tis" and "dogs'" one without the apostrophe,
 * "a''b" two. Returns 0 when there is none; else sets *start, moves *i to the token's end, sets *hash
 * to its hash_bytes (computed as it is read) and returns 1. */
static inline int
next_token(const unsigned char *s, Py_ssize_t n, Py_ssize_t *i, Py_ssize_t *start, uint64_t *hash)
{
    Py_ssize_t k = *i;
    while (k < n && !is_word(s[k])) {
        k++;
    }
    if (k == n) {
        *i = k;
        return 0;
    }
    *start = k;
    uint64_t h = HASH_START;
    while (k < n && is_word(s[k])) {
        h = hash_step(h, s[k++]);
    }
    if (k + 1 < n && s[k] == '\'' && is_word(s[k + 1])) {
        h = hash_step(h, s[k++]);
        while (k < n && is_word(s[k])) {
            h = hash_step(h, s[k++]);
        }
    }
    *i = k;
    *hash = hash_end(h);
    return 1;
}

/* --------------------------------------------------------------------------- strings by hash */

/* A set of byte strings, each known by its number in order of insertion, with a value and a flag for
 * each: open addressing with linear probing over a power-of-two table of slots, at most half full. A
 * slot holds what a look-up reads, so that it usually reads nothing else: the high half of the hash,
 * the length, the first HEAD bytes (all of a word of up to HEAD bytes), the value and the flag. */
#define HEAD 15

typedef struct {
    uint32_t tag;        /* hash >> 32 */
    int32_t entry;       /* the entry's number; -1: an empty slot */
    int32_t len;         /* its length in bytes */
    int32_t value;       /* what the set keeps for it (a vocabulary id, a place among distinct words) */
    unsigned char flag;  /* and a flag (a stopword) */
    char head[HEAD];     /* its first bytes */
} Slot;                  /* 32 bytes: two to a cache line */

typedef struct {
    Py_ssize_t n, cap;   /* entries, and room for them */
    char *bytes;         /* every entry's bytes, end to end */
    Py_ssize_t used, room;
    Py_ssize_t *offsets; /* entry e is bytes[offsets[e]:offsets[e] + its len] (cap of them) */
    uint64_t *hashes;    /* hash_bytes of each entry (to place them again when the table grows) */
    Slot *slots;
    size_t mask;         /* number of slots - 1 */
} Strings;

static void
strings_free(Strings *st)
{
    PyMem_Free(st->bytes);
    PyMem_Free(st->offsets);
    PyMem_Free(st->hashes);
    PyMem_Free(st->slots);
    memset(st, 0, sizeof(*st));
}

static void
clear_slots(Slot *slots, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        slots[i].entry = -1;
    }
}

/* room for cap entries of bytes bytes in all (an empty set), or -1 with an exception set */
static int
strings_init(Strings *st, Py_ssize_t cap, Py_ssize_t bytes)
{
    memset(st, 0, sizeof(*st));
    if (cap > INT32_MAX / 4) {
        PyErr_SetString(PyExc_OverflowError, "too many words");
        return -1;
    }
    cap = cap < 8 ? 8 : cap;
    size_t slots = 16;
    while (slots < (size_t)cap * 2) {
        slots *= 2;
    }
    st->cap = cap;
    st->room = bytes < 64 ? 64 : bytes;
    st->bytes = PyMem_Malloc(st->room);
    st->offsets = PyMem_Malloc(cap * sizeof(Py_ssize_t));
    st->hashes = PyMem_Malloc(cap * sizeof(uint64_t));
    st->slots = PyMem_Malloc(slots * sizeof(Slot));
    if (!st->bytes || !st->offsets || !st->hashes || !st->slots) {
        strings_free(st);
        PyErr_NoMemory();
        return -1;
    }
    clear_slots(st->slots, slots);
    st->mask = slots - 1;
    return 0;
}

/* whether a and b, n bytes each, are the same (words are short: a call to memcmp costs more) */
static inline int
same_bytes(const char *a, const char *b, Py_ssize_t n)
{
    if (n > 16) {
        return memcmp(a, b, n) == 0;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* the slot of s[:n] (of hash h), or NULL */
static inline Slot *
strings_find(const Strings *st, const char *s, Py_ssize_t n, uint64_t h)
{
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = h & st->mask;; i = (i + 1) & st->mask) {
        Slot *slot = &st->slots[i];
        if (slot->entry < 0) {
            return NULL;
        }
        if (slot->tag == tag && slot->len == n && same_bytes(slot->head, s, n < HEAD ? n : HEAD)
            && (n <= HEAD || same_bytes(st->bytes + st->offsets[slot->entry] + HEAD, s + HEAD, n - HEAD))) {
            return slot;
        }
    }
}

/* the empty slot where an entry of hash h goes */
static inline Slot *
strings_free_slot(const Strings *st, uint64_t h)
{
    size_t i = h & st->mask;
    while (st->slots[i].entry >= 0) {
        i = (i + 1) & st->mask;
    }
    return &st->slots[i];
}

/* add s[:n] (of hash h, not in the set) as the next entry, of value 0 and flag 0; its slot, or NULL with
 * an exception set */
static Slot *
strings_add(Strings *st, const char *s, Py_ssize_t n, uint64_t h)
{
    if (n > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "word too long");
        return NULL;
    }
    if (st->used + n > st->room) {
        Py_ssize_t room = st->room;
        while (st->used + n > room) {
            room *= 2;
        }
        char *bytes = PyMem_Realloc(st->bytes, room);
        if (bytes == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        st->bytes = bytes;
        st->room = room;
    }
    if (st->n == st->cap) {
        /* twice the entries, and twice the slots, all placed again */
        if (st->cap > INT32_MAX / 4) {
            PyErr_SetString(PyExc_OverflowError, "too many distinct words");
            return NULL;
        }
        Py_ssize_t cap = st->cap * 2;
        Py_ssize_t *offsets = PyMem_Realloc(st->offsets, cap * sizeof(Py_ssize_t));
        if (offsets == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        st->offsets = offsets;
        uint64_t *hashes = PyMem_Realloc(st->hashes, cap * sizeof(uint64_t));
        if (hashes == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        st->hashes = hashes;
        size_t old_slots = st->mask + 1;
        Slot *old = st->slots;
        Slot *table = PyMem_Malloc(old_slots * 2 * sizeof(Slot));
        if (table == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        clear_slots(table, old_slots * 2);
        st->slots = table;
        st->mask = old_slots * 2 - 1;
        st->cap = cap;
        for (size_t i = 0; i < old_slots; i++) {
            if (old[i].entry >= 0) {
                *strings_free_slot(st, st->hashes[old[i].entry]) = old[i];
            }
        }
        PyMem_Free(old);
    }
    Py_ssize_t e = st->n++;
    memcpy(st->bytes + st->used, s, n);
    st->offsets[e] = st->used;
    st->used += n;
    st->hashes[e] = h;
    Slot *slot = strings_free_slot(st, h);
    slot->tag = (uint32_t)(h >> 32);
    slot->entry = (int32_t)e;
    slot->len = (int32_t)n;
    slot->value = 0;
    slot->flag = 0;
    memcpy(slot->head, s, n < HEAD ? n : HEAD);
    return slot;
}

/* The UTF-8 bytes of str s in *bytes and *n. A str with lone surrogates (which UTF-8 cannot hold) is
 * encoded with "surrogatepass", which keeps distinct strs distinct; *owner then holds the bytes object
 * the caller must release (NULL otherwise). Returns -1 with an exception set when s is not a str. */
static int
utf8_of(PyObject *s, const char **bytes, Py_ssize_t *n, PyObject **owner)
{
    *owner = NULL;
    if (!PyUnicode_Check(s)) {
        PyErr_Format(PyExc_TypeError, "words must be str, not %.100s", Py_TYPE(s)->tp_name);
        return -1;
    }
    *bytes = PyUnicode_AsUTF8AndSize(s, n);
    if (*bytes != NULL) {
        return 0;
    }
    if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        return -1;
    }
    PyErr_Clear();
    *owner = PyUnicode_AsEncodedString(s, "utf-8", "surrogatepass");
    if (*owner == NULL) {
        return -1;
    }
    *bytes = PyBytes_AS_STRING(*owner);
    *n = PyBytes_GET_SIZE(*owner);
    return 0;
}

/* --------------------------------------------------------------------------- folds of characters */

/* What the reader folds characters outside ASCII to, learnt one character at a time from the
 * fold_char callable (features._compiled_fold): a map from code point to its fold, open addressing
 * over a power-of-two table, at most half full. A fold is FOLD_PYTHON (a unit holding the character
 * is read in Python) or (offset << 8 | length << 1 | lower): its ASCII bytes are
 * bytes[offset:offset + length], and lower says whether str.islower() holds for the character. */
#define FOLD_PYTHON (-1)

typedef struct {
    uint32_t *keys;      /* code point + 1; 0: empty */
    int64_t *folds;
    size_t mask;
    Py_ssize_t n;
    char *bytes;         /* the folds' bytes, end to end */
    Py_ssize_t used, room;
} Folds;

static void
folds_free(Folds *f)
{
    PyMem_Free(f->keys);
    PyMem_Free(f->folds);
    PyMem_Free(f->bytes);
    memset(f, 0, sizeof(*f));
}

static int
folds_init(Folds *f)
{
    memset(f, 0, sizeof(*f));
    f->mask = 255;
    f->room = 256;
    f->keys = PyMem_Calloc(f->mask + 1, sizeof(uint32_t));
    f->folds = PyMem_Malloc((f->mask + 1) * sizeof(int64_t));
    f->bytes = PyMem_Malloc(f->room);
    if (!f->keys || !f->folds || !f->bytes) {
        folds_free(f);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* the slot of code point c: where it is, or the empty slot where it goes */
static inline size_t
folds_slot(const Folds *f, uint32_t c)
{
    size_t i = ((uint64_t)c * 0x9E3779B97F4A7C15ULL) >> 40 & f->mask;
    while (f->keys[i] != 0 && f->keys[i] != c + 1) {
        i = (i + 1) & f->mask;
    }
    return i;
}

/* Learn the fold of code point c from fold_char(chr(c)): None, or (ASCII bytes, lower). Returns the
 * fold, or -2 with an exception set. */
static int64_t
folds_learn(Folds *f, PyObject *fold_char, uint32_t c)
{
    PyObject *ch = PyUnicode_FromOrdinal((int)c);
    if (ch == NULL) {
        return -2;
    }
    PyObject *got = PyObject_CallOneArg(fold_char, ch);
    Py_DECREF(ch);
    if (got == NULL) {
        return -2;
    }
    int64_t fold = FOLD_PYTHON;
    if (got != Py_None) {
        PyObject *bytes, *lower;
        if (!PyTuple_Check(got) || PyTuple_GET_SIZE(got) != 2 || !PyBytes_Check(bytes = PyTuple_GET_ITEM(got, 0))
            || !PyBool_Check(lower = PyTuple_GET_ITEM(got, 1))) {
            PyErr_SetString(PyExc_TypeError, "fold_char must return None or (bytes, bool)");
            Py_DECREF(got);
            return -2;
        }
        const char *s = PyBytes_AS_STRING(bytes);
        Py_ssize_t n = PyBytes_GET_SIZE(bytes);
        for (Py_ssize_t i = 0; i < n; i++) {
            /* folded text holds ASCII, and 0 for a character that is nothing to a word */
            if ((unsigned char)s[i] >= 128 || s[i] == '&') {
                PyErr_SetString(PyExc_ValueError, "fold_char must fold to ASCII without '&'");
                Py_DECREF(got);
                return -2;
            }
        }
        if (n > 127) {
            PyErr_SetString(PyExc_ValueError, "fold_char's fold is too long");
            Py_DECREF(got);
            return -2;
        }
        if (f->used + n > f->room) {
            char *grown = PyMem_Realloc(f->bytes, f->room * 2 + n);
            if (grown == NULL) {
                PyErr_NoMemory();
                Py_DECREF(got);
                return -2;
            }
            f->bytes = grown;
            f->room = f->room * 2 + n;
        }
        memcpy(f->bytes + f->used, s, n);
        fold = ((int64_t)f->used << 8) | (n << 1) | (lower == Py_True);
        f->used += n;
    }
    Py_DECREF(got);
    /* fold_char may have run a scan that learnt c too: the slot is looked for only now */
    if ((size_t)(f->n + 1) * 2 > f->mask + 1) {
        size_t old_mask = f->mask;
        uint32_t *old_keys = f->keys;
        int64_t *old_folds = f->folds;
        uint32_t *keys = PyMem_Calloc((old_mask + 1) * 2, sizeof(uint32_t));
        int64_t *folds = PyMem_Malloc((old_mask + 1) * 2 * sizeof(int64_t));
        if (keys == NULL || folds == NULL) {
            PyMem_Free(keys);
            PyMem_Free(folds);
            PyErr_NoMemory();
            return -2;
        }
        f->keys = keys;
        f->folds = folds;
        f->mask = (old_mask + 1) * 2 - 1;
        for (size_t i = 0; i <= old_mask; i++) {
            if (old_keys[i] != 0) {
                size_t j = folds_slot(f, old_keys[i] - 1);
                f->keys[j] = old_keys[i];
                f->folds[j] = old_folds[i];
            }
        }
        PyMem_Free(old_keys);
        PyMem_Free(old_folds);
    }
    size_t i = folds_slot(f, c);
    if (f->keys[i] == 0) {
        f->keys[i] = c + 1;
        f->n++;
    }
    f->folds[i] = fold;
    return fold;
}

/* --------------------------------------------------------------------------- WordTable */

/* A slot of the bigram table: a key of NgramTable.bigram_keys (id1 << 32 | id2; -1: empty) and its
 * weight, that of the first of equal keys, as np.searchsorted finds it. */
typedef struct {
    int64_t key;
    double weight;
} PairSlot;

static inline uint64_t
hash_pair(int64_t key)
{
    return hash_end((uint64_t)key * 0x9E3779B97F4A7C15ULL);
}

/* The vocabulary of a content model (ngrams.NgramTable.words: word i has id i + 1) and the stopwords
 * (features.STOPWORDS), as one set of strings: the vocabulary's words first, then the stopwords that
 * are not in it; the model's bigram weights; and the folds of characters learnt so far. */
typedef struct {
    PyObject_HEAD
    Strings words;         /* value: the vocabulary id, as NgramTable.vocab gives it (0: not in it);
                              flag: whether it is a stopword */
    PairSlot *pairs;       /* the bigram weights by key: open addressing, linear probing, at most 2/3 full */
    size_t pairs_mask;     /* number of slots - 1 */
    PyObject *fold_char;   /* features._compiled_fold */
    Folds folds;
} WordTable;

/* the Python object a table holds: fold_char */
static int
WordTable_traverse(WordTable *self, visitproc visit, void *arg)
{
    Py_VISIT(self->fold_char);
    return 0;
}

static int
WordTable_clear(WordTable *self)
{
    Py_CLEAR(self->fold_char);
    return 0;
}

static void
WordTable_dealloc(WordTable *self)
{
    PyObject_GC_UnTrack(self);
    strings_free(&self->words);
    PyMem_Free(self->pairs);
    Py_XDECREF(self->fold_char);
    folds_free(&self->folds);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Add word (a str) to the table: as vocabulary id `id` (a later copy of a word takes its id, as in
 * NgramTable's dict {w: i for i, w in enumerate(words, 1)}), or, with id < 0, as a stopword. */
static int
table_add(WordTable *self, PyObject *word, int64_t id)
{
    const char *s;
    Py_ssize_t n;
    PyObject *owner;
    if (utf8_of(word, &s, &n, &owner) < 0) {
        return -1;
    }
    uint64_t h = hash_bytes(s, n);
    Slot *slot = strings_find(&self->words, s, n, h);
    if (slot == NULL) {
        /* room for every word was made beforehand: the set does not grow */
        slot = strings_add(&self->words, s, n, h);
    }
    Py_XDECREF(owner);
    if (slot == NULL) {
        return -1;
    }
    if (id < 0) {
        slot->flag = 1;
    }
    else {
        slot->value = (int32_t)id;
    }
    return 0;
}

/* a 1-dimensional C-contiguous buffer of 8-byte items of one of the formats (struct module codes) */
static int
get_array(PyObject *obj, Py_buffer *view, const char *formats, const char *name)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        return -1;
    }
    const char *format = view->format[0] == '<' || view->format[0] == '=' || view->format[0] == '@'
                         ? view->format + 1 : view->format;
    if (view->ndim != 1 || view->itemsize != 8 || strlen(format) != 1 || strchr(formats, format[0]) == NULL) {
        PyErr_Format(PyExc_TypeError, "%s must be a 1-dimensional array of 8-byte %s", name,
                     formats[0] == 'd' ? "floats" : "integers");
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* The bigram table: the weight of every key of NgramTable.bigram_keys, found by hash in one probe or a few
 * of neighbouring slots (16 MB for the shipped model's 600k bigrams). keys and weights are NgramTable's
 * arrays: keys sorted, so that the first of equal keys is the one np.searchsorted finds. A key below 0 is
 * left out: no two ids (>= 0) make it. */
static int
index_pairs(WordTable *self, const Py_buffer *keys_buf, const Py_buffer *weights_buf)
{
    const int64_t *keys = keys_buf->buf;
    const double *weights = weights_buf->buf;
    Py_ssize_t n = keys_buf->len / 8;
    if (n != weights_buf->len / 8) {
        PyErr_SetString(PyExc_ValueError, "bigram_keys and bigram_weights differ in length");
        return -1;
    }
    for (Py_ssize_t i = 1; i < n; i++) {
        if (keys[i] < keys[i - 1]) {
            PyErr_SetString(PyExc_ValueError, "bigram_keys must be sorted");
            return -1;
        }
    }
    size_t slots = 16;
    while (slots < (size_t)n + (size_t)n / 2) {
        slots *= 2;
    }
    self->pairs = PyMem_Malloc(slots * sizeof(PairSlot));
    if (self->pairs == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < slots; i++) {
        self->pairs[i].key = -1;
    }
    self->pairs_mask = slots - 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (keys[k] < 0 || (k > 0 && keys[k] == keys[k - 1])) {
            continue; /* the first of equal keys stands for them all */
        }
        size_t i = hash_pair(keys[k]) & self->pairs_mask;
        while (self->pairs[i].key >= 0) {
            i = (i + 1) & self->pairs_mask;
        }
        self->pairs[i].key = keys[k];
        self->pairs[i].weight = weights[k];
    }
    return 0;
}

/* Where the look-up of bigram key starts: its slot, asked of the memory ahead of the look-up (the table is
 * too large for the caches: scan_word looks the next word up while the slot is on its way) */
static inline size_t
pair_slot(const WordTable *self, int64_t key)
{
    size_t i = hash_pair(key) & self->pairs_mask;
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(&self->pairs[i]);
#endif
    return i;
}

/* NgramTable.score's pair_w of one word: the weight of bigram key (id1 << 32 | id2), looked for from slot
 * i on; 0 where the model has none */
static inline double
pair_weight(const WordTable *self, int64_t key, size_t i)
{
    for (;; i = (i + 1) & self->pairs_mask) {
        if (self->pairs[i].key == key) {
            return self->pairs[i].weight;
        }
        if (self->pairs[i].key < 0) {
            return 0.0;
        }
    }
}

static PyObject *
WordTable_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"words", "stopwords", "bigram_keys", "bigram_weights", "fold_char", NULL};
    PyObject *words_arg, *stop_arg, *keys_arg, *weights_arg, *fold_char;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOOO:WordTable", kwlist, &words_arg, &stop_arg, &keys_arg,
                                     &weights_arg, &fold_char)) {
        return NULL;
    }
    if (!PyCallable_Check(fold_char)) {
        PyErr_SetString(PyExc_TypeError, "fold_char must be callable");
        return NULL;
    }
    PyObject *words = PySequence_Fast(words_arg, "words must be a sequence of str");
    if (words == NULL) {
        return NULL;
    }
    PyObject *stopwords = PySequence_Fast(stop_arg, "stopwords must be an iterable of str");
    if (stopwords == NULL) {
        Py_DECREF(words);
        return NULL;
    }
    WordTable *self = (WordTable *)type->tp_alloc(type, 0);
    if (self == NULL) {
        goto fail;
    }
    Py_INCREF(fold_char);
    self->fold_char = fold_char;
    Py_ssize_t n_words = PySequence_Fast_GET_SIZE(words);
    Py_ssize_t n = n_words + PySequence_Fast_GET_SIZE(stopwords);
    if (folds_init(&self->folds) < 0 || strings_init(&self->words, n, n * 8) < 0) {
        goto fail;
    }
    for (Py_ssize_t i = 0; i < n_words; i++) {
        if (table_add(self, PySequence_Fast_GET_ITEM(words, i), i + 1) < 0) {
            goto fail;
        }
    }
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(stopwords); i++) {
        if (table_add(self, PySequence_Fast_GET_ITEM(stopwords, i), -1) < 0) {
            goto fail;
        }
    }
    Py_buffer keys, weights;
    if (get_array(keys_arg, &keys, "ql", "bigram_keys") < 0) {
        goto fail;
    }
    if (get_array(weights_arg, &weights, "d", "bigram_weights") < 0) {
        PyBuffer_Release(&keys);
        goto fail;
    }
    int err = index_pairs(self, &keys, &weights);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&weights);
    if (err < 0) {
        goto fail;
    }
    Py_DECREF(words);
    Py_DECREF(stopwords);
    return (PyObject *)self;

fail:
    Py_XDECREF(self);
    Py_DECREF(words);
    Py_DECREF(stopwords);
    return NULL;
}

/* --------------------------------------------------------------------------- WordTable.scan */

/* A growing array of fixed-size items */
typedef struct {
    char *data;
    Py_ssize_t n, cap, size;
} Vec;

static int
vec_init(Vec *v, Py_ssize_t size, Py_ssize_t cap)
{
    v->size = size;
    v->n = 0;
    v->cap = cap < 16 ? 16 : cap;
    v->data = PyMem_Malloc(v->cap * size);
    if (v->data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* room for `more` more items */
static inline int
vec_reserve(Vec *v, Py_ssize_t more)
{
    if (v->n + more <= v->cap) {
        return 0;
    }
    Py_ssize_t cap = v->cap;
    while (v->n + more > cap) {
        cap *= 2;
    }
    char *data = PyMem_Realloc(v->data, cap * v->size);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    v->data = data;
    v->cap = cap;
    return 0;
}

/* the items as a bytearray (numpy reads it with np.frombuffer) */
static PyObject *
vec_bytearray(const Vec *v)
{
    return PyByteArray_FromStringAndSize(v->data, v->n * v->size);
}

/* What one scan gathers. Per word: its place among the distinct words, vocabulary id, stopword and
 * length flags and the weight of the bigram it starts (DocWords.index, ids, stop, long, pairs). */
typedef struct {
    WordTable *table;
    int32_t *seen;           /* per table entry: 1 + its place among the distinct words, 0: not seen yet */
    Strings unknown;         /* the words of this batch that are not in the table; value: the place among the
                                distinct words */
    int32_t n_distinct;      /* fewer than the entries of the table and of unknown: < 2**31 */
    Vec index, ids, stop, longer, pairs;
    Py_ssize_t unit_start;   /* the first word of the unit being read */
    Py_ssize_t pair_word;    /* the word whose bigram weight is being fetched (-1: none), its key and slot */
    int64_t pair_key;
    size_t pair_at;
    Vec folded;              /* the folded text of the unit being read (bytes) */
} Scan;

/* the weight of the bigram scan_word asked for, if any: pairs[pair_word] */
static inline void
scan_pair(Scan *sc)
{
    if (sc->pair_word >= 0) {
        ((double *)sc->pairs.data)[sc->pair_word] = pair_weight(sc->table, sc->pair_key, sc->pair_at);
        sc->pair_word = -1;
    }
}

/* One more word of the unit being read: s[:n] in UTF-8 (of hash_bytes h), of `chars` characters */
static int
scan_word(Scan *sc, const char *s, Py_ssize_t n, Py_ssize_t chars, uint64_t h)
{
    if (vec_reserve(&sc->index, 1) < 0 || vec_reserve(&sc->ids, 1) < 0 || vec_reserve(&sc->stop, 1) < 0
        || vec_reserve(&sc->longer, 1) < 0 || vec_reserve(&sc->pairs, 1) < 0) {
        return -1;
    }
    const WordTable *t = sc->table;
    int64_t place, id = 0;
    unsigned char stop = 0;
    Slot *slot = strings_find(&t->words, s, n, h);
    if (slot != NULL) {
        id = slot->value;
        stop = slot->flag;
        if (sc->seen[slot->entry] == 0) {
            sc->seen[slot->entry] = ++sc->n_distinct;
        }
        place = sc->seen[slot->entry] - 1;
    }
    else {
        slot = strings_find(&sc->unknown, s, n, h);
        if (slot == NULL) {
            if ((slot = strings_add(&sc->unknown, s, n, h)) == NULL) {
                return -1;
            }
            slot->value = sc->n_distinct++;
        }
        place = slot->value;
    }
    Py_ssize_t w = sc->index.n;
    int64_t *ids = (int64_t *)sc->ids.data;
    double *pairs = (double *)sc->pairs.data;
    ((int64_t *)sc->index.data)[w] = place;
    ids[w] = id;
    sc->stop.data[w] = (char)stop;
    sc->longer.data[w] = chars > 3;
    pairs[w] = 0.0;
    /* NgramTable.score: the bigram starting at each word, none across units. Its weight is read one word
     * later, when its slot has come in. */
    scan_pair(sc);
    if (w > sc->unit_start) {
        sc->pair_word = w - 1;
        sc->pair_key = (ids[w - 1] << 32) | id;
        sc->pair_at = pair_slot(t, sc->pair_key);
    }
    sc->index.n++;
    sc->ids.n++;
    sc->stop.n++;
    sc->longer.n++;
    sc->pairs.n++;
    return 0;
}

/* What html.unescape makes of the '&' at text[i] (i < end) in the common cases: a '&' it leaves alone
 * (followed by the end, a blank, '<', '&' or ';', which no character reference starts with) or one of the
 * references below, spelt exactly so. Writes the character to *out and the number of characters read after
 * the '&' to *skip; returns 0 for anything else (a unit holding it is read in Python). Python folds the
 * unit before it unescapes it, but the characters compared here are ASCII, which folding does not touch;
 * a character beside them that folding removes or changes is not ASCII and sends the unit to Python. */
static const struct { const char *name; Py_ssize_t len; char c; } ENTITIES[] = {
    {"quot;", 5, '"'}, {"lt;", 3, '<'}, {"gt;", 3, '>'}, {"amp;", 4, '&'}, {"apos;", 5, '\''},
};

static int
entity_at(int kind, const void *data, Py_ssize_t i, Py_ssize_t end, char *out, Py_ssize_t *skip)
{
    *out = '&';
    *skip = 0;
    if (i + 1 >= end) {
        return 1;
    }
    Py_UCS4 next = PyUnicode_READ(kind, data, i + 1);
    if (next == ' ' || next == '\t' || next == '\n' || next == '\f' || next == '<' || next == '&' || next == ';') {
        return 1;
    }
    for (size_t e = 0; e < sizeof ENTITIES / sizeof ENTITIES[0]; e++) {
        Py_ssize_t len = ENTITIES[e].len, k = 0;
        if (i + len >= end) {
            continue;
        }
        while (k < len && PyUnicode_READ(kind, data, i + 1 + k) == (Py_UCS4)(unsigned char)ENTITIES[e].name[k]) {
            k++;
        }
        if (k == len) {
            *out = ENTITIES[e].c;
            *skip = len;
            return 1;
        }
    }
    return 0;
}

/* normalize.fold of text[start:end] where it is a mapping of characters: ASCII ones lower-cased
 * ('&' read in context, as html.unescape reads it: entity_at), the others as the table's folds say. Writes the
 * folded text to sc->folded and UnitView.lower_start (raw[:1].islower()) to *lower_start; returns 1,
 * or 0 where the unit must be read in Python, or -1 with an exception set. */
static int
fold_unit(Scan *sc, int kind, const void *data, Py_ssize_t start, Py_ssize_t end, int *lower_start)
{
    Vec *out = &sc->folded;
    out->n = 0;
    if (vec_reserve(out, end - start) < 0) {
        return -1;
    }
    unsigned char *s = (unsigned char *)out->data;
    *lower_start = 0;
    if (kind == PyUnicode_1BYTE_KIND) {
        /* the common case first: one byte per character, all ASCII */
        const Py_UCS1 *raw = (const Py_UCS1 *)data + start;
        Py_ssize_t i = 0;
        for (; i < end - start; i++) {
            Py_UCS1 c = raw[i];
            if (c >= 128 || c == '&') {
                break;
            }
            s[i] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
        }
        if (i == end - start) {
            out->n = i;
            *lower_start = i > 0 && is_lower(raw[0]);
            return 1;
        }
    }
    Folds *f = &sc->table->folds;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 128) {
            if (c == '&') {
                char decoded;
                Py_ssize_t skip;
                if (!entity_at(kind, data, i, end, &decoded, &skip)) {
                    return 0;
                }
                if (vec_reserve(out, 1) < 0) {
                    return -1;
                }
                out->data[out->n++] = decoded;
                i += skip;  /* a unit starting with '&' does not start in lower case: *lower_start stays 0 */
                continue;
            }
            if (vec_reserve(out, 1) < 0) {
                return -1;
            }
            out->data[out->n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            if (i == start) {
                *lower_start = is_lower((unsigned char)c);
            }
            continue;
        }
        size_t slot = folds_slot(f, c);
        int64_t fold = f->keys[slot] ? f->folds[slot] : FOLD_PYTHON;
        if (!f->keys[slot]) {
            if (sc->table->fold_char == NULL) {
                PyErr_SetString(PyExc_ValueError, "the table was cleared");
                return -1;
            }
            fold = folds_learn(f, sc->table->fold_char, c);
        }
        if (fold == -2) {
            return -1;
        }
        if (fold == FOLD_PYTHON) {
            return 0;
        }
        Py_ssize_t n = (Py_ssize_t)(fold >> 1 & 127);
        if (vec_reserve(out, n) < 0) {
            return -1;
        }
        memcpy(out->data + out->n, f->bytes + (fold >> 8), n);
        out->n += n;
        if (i == start) {
            *lower_start = (int)(fold & 1);
        }
    }
    return 1;
}

/* features._tokens of folded text s[:n], each token added as a word; the number of tokens */
static Py_ssize_t
scan_tokens(Scan *sc, const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t count = 0, i = 0, start;
    uint64_t h;
    while (next_token(s, n, &i, &start, &h)) {
        if (scan_word(sc, (const char *)s + start, i - start, i - start, h) < 0) {
            return -1;
        }
        count++;
    }
    return count;
}

/* the words of a view made in Python (its `words`, a list of str), each added; their number */
static Py_ssize_t
scan_view_words(Scan *sc, PyObject *view)
{
    PyObject *words = PyObject_GetAttr(view, str_words);
    if (words == NULL) {
        return -1;
    }
    if (!PyList_Check(words)) {
        PyErr_Format(PyExc_TypeError, "a view's words must be a list, not %.100s", Py_TYPE(words)->tp_name);
        Py_DECREF(words);
        return -1;
    }
    /* nothing here runs Python code: the list stays as it is while it is read */
    Py_ssize_t count = PyList_GET_SIZE(words);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        const char *s;
        Py_ssize_t n;
        PyObject *owner;
        int err = utf8_of(word, &s, &n, &owner);
        if (err == 0) {
            err = scan_word(sc, s, n, PyUnicode_GET_LENGTH(word), hash_bytes(s, n));
            Py_XDECREF(owner);
        }
        if (err < 0) {
            Py_DECREF(words);
            return -1;
        }
    }
    Py_DECREF(words);
    return count;
}

/* one field of a unit (start, end or kind), an int */
static int
unit_field(PyObject *unit, Py_ssize_t i, Py_ssize_t *out)
{
    *out = PyLong_AsSsize_t(PyTuple_GET_ITEM(unit, i));
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

PyDoc_STRVAR(scan_doc,
"scan(texts, units, make_view, plain_views)\n"
"--\n"
"\n"
"The views and words of the units of a batch of documents.\n"
"\n"
"units[d] lists the units of texts[d] (segment.Unit, or tuples that start with start, end and kind).\n"
"A TEXT unit whose fold is a mapping of its characters and that shows no sign of obfuscation is read\n"
"here; its view is plain_views[1] if its text starts with a lower-case letter, else plain_views[0].\n"
"Every other unit gets make_view(text[start:end], kind) (features.UnitView), whose words are read.\n"
"\n"
"Returns (views, lens, index, ids, stop, longer, pairs): the views, one per unit, in order, and\n"
"bytearrays of native int64 (lens, index, ids), of bytes 0/1 (stop, longer) and of float64 (pairs).\n"
"lens holds the number of words of each unit; the others hold per word, in order: its place among\n"
"the distinct words of the batch in order of first occurrence, its vocabulary id (0: unknown),\n"
"whether it is a stopword, whether it has more than three characters, the weight of the bigram it\n"
"starts with the next word of its unit (0 where the model has none, and for the last word of a unit).");

static PyObject *
WordTable_scan(WordTable *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "scan() takes 4 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *make_view = args[2], *plain_views = args[3];
    if (!PyTuple_Check(plain_views) || PyTuple_GET_SIZE(plain_views) != 2) {
        PyErr_SetString(PyExc_TypeError, "plain_views must be a tuple of two views");
        return NULL;
    }
    if (!PyCallable_Check(make_view)) {
        PyErr_SetString(PyExc_TypeError, "make_view must be callable");
        return NULL;
    }
    /* tuples (the units of each document too), so that what make_view runs cannot change them */
    PyObject *texts = PySequence_Tuple(args[0]);
    PyObject *given = texts ? PySequence_Fast(args[1], "units must be a sequence of sequences") : NULL;
    PyObject *docs = NULL, *views = NULL, *result = NULL;
    Vec lens = {0};
    Scan sc = {.table = self, .pair_word = -1};
    Py_ssize_t n_docs = 0, n_units = 0;
    if (given == NULL) {
        goto done;
    }
    n_docs = PyTuple_GET_SIZE(texts);
    if (PySequence_Fast_GET_SIZE(given) != n_docs) {
        PyErr_Format(PyExc_ValueError, "%zd texts but units for %zd", n_docs, PySequence_Fast_GET_SIZE(given));
        goto done;
    }
    if ((docs = PyTuple_New(n_docs)) == NULL) {
        goto done;
    }
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        PyObject *text = PyTuple_GET_ITEM(texts, d);
        if (!PyUnicode_Check(text)) {
            PyErr_Format(PyExc_TypeError, "texts must be str, not %.100s", Py_TYPE(text)->tp_name);
            goto done;
        }
        PyObject *doc_units = PySequence_Tuple(PySequence_Fast_GET_ITEM(given, d));
        if (doc_units == NULL) {
            goto done;
        }
        PyTuple_SET_ITEM(docs, d, doc_units);
        n_units += PyTuple_GET_SIZE(doc_units);
    }
    views = PyList_New(n_units);
    sc.seen = PyMem_Calloc(self->words.n + 1, sizeof(int32_t));
    if (views == NULL || sc.seen == NULL || vec_init(&lens, sizeof(int64_t), n_units) < 0
        || strings_init(&sc.unknown, 1024, 8192) < 0
        || vec_init(&sc.index, sizeof(int64_t), 4096) < 0 || vec_init(&sc.ids, sizeof(int64_t), 4096) < 0
        || vec_init(&sc.stop, 1, 4096) < 0 || vec_init(&sc.longer, 1, 4096) < 0
        || vec_init(&sc.pairs, sizeof(double), 4096) < 0 || vec_init(&sc.folded, 1, 4096) < 0) {
        if (!PyErr_Occurred()) {
            PyErr_NoMemory();
        }
        goto done;
    }
    Py_ssize_t u = 0;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        PyObject *text = PyTuple_GET_ITEM(texts, d);
        PyObject *doc_units = PyTuple_GET_ITEM(docs, d);
        int kind = PyUnicode_KIND(text);
        const void *data = PyUnicode_DATA(text);
        Py_ssize_t len = PyUnicode_GET_LENGTH(text);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(doc_units); k++, u++) {
            PyObject *unit = PyTuple_GET_ITEM(doc_units, k);
            Py_ssize_t start, end, unit_kind, count;
            int plain = 0, lower_start = 0;
            if (!PyTuple_Check(unit) || PyTuple_GET_SIZE(unit) < 3) {
                PyErr_SetString(PyExc_TypeError, "a unit must be a tuple (start, end, kind, ...)");
                goto done;
            }
            if (unit_field(unit, 0, &start) < 0 || unit_field(unit, 1, &end) < 0
                || unit_field(unit, 2, &unit_kind) < 0) {
                goto done;
            }
            if (start < 0 || end < start || end > len) {
                PyErr_Format(PyExc_ValueError, "unit (%zd, %zd) out of its text of length %zd", start, end, len);
                goto done;
            }
            sc.unit_start = sc.index.n;
            if (unit_kind == TEXT && (plain = fold_unit(&sc, kind, data, start, end, &lower_start)) < 0) {
                goto done;
            }
            if (plain && !maybe_obfuscated((unsigned char *)sc.folded.data, sc.folded.n)) {
                /* features.UnitView.__init__ of a TEXT unit: _words(fold(raw)), read here */
                count = scan_tokens(&sc, (unsigned char *)sc.folded.data, sc.folded.n);
                if (count < 0) {
                    goto done;
                }
                PyObject *view = PyTuple_GET_ITEM(plain_views, lower_start);
                Py_INCREF(view);
                PyList_SET_ITEM(views, u, view);
            }
            else {
                PyObject *raw = PyUnicode_Substring(text, start, end);
                if (raw == NULL) {
                    goto done;
                }
                PyObject *view = PyObject_CallFunctionObjArgs(make_view, raw, PyTuple_GET_ITEM(unit, 2), NULL);
                Py_DECREF(raw);
                if (view == NULL) {
                    goto done;
                }
                PyList_SET_ITEM(views, u, view);
                count = scan_view_words(&sc, view);
                if (count < 0) {
                    goto done;
                }
            }
            ((int64_t *)lens.data)[lens.n++] = count;
        }
    }
    scan_pair(&sc);
    if ((result = PyTuple_New(7)) == NULL) {
        goto done;
    }
    Py_INCREF(views);
    PyTuple_SET_ITEM(result, 0, views);
    const Vec *arrays[] = {&lens, &sc.index, &sc.ids, &sc.stop, &sc.longer, &sc.pairs};
    for (int i = 0; i < 6; i++) {
        PyObject *array = vec_bytearray(arrays[i]);
        if (array == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyTuple_SET_ITEM(result, i + 1, array);
    }

done:
    Py_XDECREF(texts);
    Py_XDECREF(given);
    Py_XDECREF(docs);
    Py_XDECREF(views);
    PyMem_Free(sc.seen);
    PyMem_Free(lens.data);
    strings_free(&sc.unknown);
    Vec *vecs[] = {&sc.index, &sc.ids, &sc.stop, &sc.longer, &sc.pairs, &sc.folded};
    for (int i = 0; i < 6; i++) {
        PyMem_Free(vecs[i]->data);
    }
    return result;
}

PyDoc_STRVAR(plain_words_doc,
"plain_words(raw)\n"
"--\n"
"\n"
"The words of TEXT unit raw as scan() reads them (features._words(fold(raw))), as a list of str; None\n"
"where scan() hands the unit to its Python view instead. For tests.");

static PyObject *
WordTable_plain_words(WordTable *self, PyObject *raw)
{
    if (!PyUnicode_Check(raw)) {
        PyErr_Format(PyExc_TypeError, "plain_words() argument must be str, not %.100s", Py_TYPE(raw)->tp_name);
        return NULL;
    }
    Scan sc = {.table = self, .pair_word = -1};
    PyObject *words = NULL;
    int lower_start;
    if (vec_init(&sc.folded, 1, 64) < 0) {
        return NULL;
    }
    int plain = fold_unit(&sc, PyUnicode_KIND(raw), PyUnicode_DATA(raw), 0, PyUnicode_GET_LENGTH(raw), &lower_start);
    const unsigned char *s = (const unsigned char *)sc.folded.data;
    if (plain < 0) {
        goto done;
    }
    if (!plain || maybe_obfuscated(s, sc.folded.n)) {
        words = Py_None;
        Py_INCREF(words);
        goto done;
    }
    if ((words = PyList_New(0)) == NULL) {
        goto done;
    }
    Py_ssize_t i = 0, start;
    uint64_t h;
    while (next_token(s, sc.folded.n, &i, &start, &h)) {
        PyObject *word = PyUnicode_DecodeASCII((const char *)s + start, i - start, NULL);
        if (word == NULL || PyList_Append(words, word) < 0) {
            Py_XDECREF(word);
            Py_CLEAR(words);
            goto done;
        }
        Py_DECREF(word);
    }
done:
    PyMem_Free(sc.folded.data);
    return words;
}

static PyObject *
WordTable_sizeof(WordTable *self, PyObject *Py_UNUSED(ignored))
{
    const Strings *st = &self->words;
    const Folds *f = &self->folds;
    size_t size = sizeof(WordTable) + st->room + st->cap * (sizeof(Py_ssize_t) + sizeof(uint64_t))
                  + (st->mask + 1) * sizeof(Slot)
                  + (self->pairs_mask + 1) * sizeof(PairSlot)
                  + (f->mask + 1) * (sizeof(uint32_t) + sizeof(int64_t)) + f->room;
    return PyLong_FromSize_t(size);
}

/* len(table): the number of distinct words it holds */
static Py_ssize_t
WordTable_len(WordTable *self)
{
    return self->words.n;
}

static PySequenceMethods WordTable_as_sequence = {
    .sq_length = (lenfunc)WordTable_len,
};

static PyMethodDef WordTable_methods[] = {
    {"scan", (PyCFunction)(void (*)(void))WordTable_scan, METH_FASTCALL, scan_doc},
    {"plain_words", (PyCFunction)WordTable_plain_words, METH_O, plain_words_doc},
    {"__sizeof__", (PyCFunction)WordTable_sizeof, METH_NOARGS, "The memory the table holds, in bytes."},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(WordTable_doc,
"WordTable(words, stopwords, bigram_keys, bigram_weights, fold_char)\n"
"--\n"
"\n"
"A content model's vocabulary (words[i] has id i + 1, as in NgramTable.vocab), the stopwords, the\n"
"model's bigram weights (sorted int64 keys id1 << 32 | id2 and float64 weights, copied) and fold_char,\n"
"which gives the fold of a character outside ASCII: None (a unit with it is read in Python), or (its\n"
"fold in ASCII bytes, chr.islower()).");

static PyTypeObject WordTableType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "excise._words.WordTable",
    .tp_basicsize = sizeof(WordTable),
    .tp_dealloc = (destructor)WordTable_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = WordTable_doc,
    .tp_traverse = (traverseproc)WordTable_traverse,
    .tp_clear = (inquiry)WordTable_clear,
    .tp_methods = WordTable_methods,
    .tp_as_sequence = &WordTable_as_sequence,
    .tp_new = WordTable_new,
};

/* --------------------------------------------------------------------------- the module */

PyDoc_STRVAR(module_doc,
"The compiled word reader: features.batch_views() calls it when it is built.");

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "excise._words",
    .m_doc = module_doc,
    .m_size = -1,
};

PyMODINIT_FUNC
PyInit__words(void)
{
    if (str_words == NULL && (str_words = PyUnicode_InternFromString("words")) == NULL) {
        return NULL;
    }
    init_classes();
    if (PyType_Ready(&WordTableType) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&WordTableType);
    if (PyModule_AddObject(module, "WordTable", (PyObject *)&WordTableType) < 0) {
        Py_DECREF(&WordTableType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
