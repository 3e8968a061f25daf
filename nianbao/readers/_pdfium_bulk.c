/* A page's characters, objects and path pieces from PDFium in one call each.
 *
 * PDFium answers one character or one path piece per call. From Python each call through ctypes costs
 * thousands of instructions, more than PDFium's own work, and a report page makes thousands of them. This
 * module makes the same calls in a C loop and hands the answers back as packed arrays, which the reader
 * (pdf.py) unpacks; pdf.py makes the same calls itself through ctypes when this module is not built.
 *
 * It does not link PDFium: pdf.py passes the addresses of the functions of the library pypdfium2 loaded
 * (bind), so both always use one and the same library.
 */
#if defined(_WIN32) && !defined(_WIN64)
#error "32-bit Windows: PDFium's functions are __stdcall there, which the pointers below do not declare"
#endif

/* The SHA-256 of this file, which setup.py passes: pdf.py does not use a module built from another version. */
#ifndef SOURCE_SHA256
#define SOURCE_SHA256 ""
#endif

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct { float left, top, right, bottom; } Rect;
typedef struct { float a, b, c, d, e, f; } Matrix;

/* PDFium's functions, as declared in its public headers (handles are opaque pointers). */
static int (*CountChars)(void *text_page);
static unsigned int (*GetUnicode)(void *text_page, int index);
static int (*IsGenerated)(void *text_page, int index);
static int (*GetLooseCharBox)(void *text_page, int index, Rect *box);
static int (*GetCharMatrix)(void *text_page, int index, Matrix *matrix);
static double (*GetFontSize)(void *text_page, int index);
static int (*CountObjects)(void *page);
static void *(*GetObject)(void *page, int index);
static int (*GetObjectType)(void *object);
static int (*GetObjectMatrix)(void *object, Matrix *matrix);
static int (*CountPieces)(void *path);
static void *(*GetPiece)(void *path, int index);
static int (*GetPiecePoint)(void *piece, float *x, float *y);
static int (*GetPieceType)(void *piece);
static int (*GetPieceClose)(void *piece);

static int bound = 0;

/* The codes of the chars PDFium may have generated itself (spaces, line breaks, hyphens): pdf.py's list. */
#define MAX_GENERATED 8
static unsigned int generated_codes[MAX_GENERATED];
static size_t generated_count = 0;

static const struct { const char *name; void **slot; } functions[] = {
    {"FPDFText_CountChars", (void **)&CountChars},
    {"FPDFText_GetUnicode", (void **)&GetUnicode},
    {"FPDFText_IsGenerated", (void **)&IsGenerated},
    {"FPDFText_GetLooseCharBox", (void **)&GetLooseCharBox},
    {"FPDFText_GetMatrix", (void **)&GetCharMatrix},
    {"FPDFText_GetFontSize", (void **)&GetFontSize},
    {"FPDFPage_CountObjects", (void **)&CountObjects},
    {"FPDFPage_GetObject", (void **)&GetObject},
    {"FPDFPageObj_GetType", (void **)&GetObjectType},
    {"FPDFPageObj_GetMatrix", (void **)&GetObjectMatrix},
    {"FPDFPath_CountSegments", (void **)&CountPieces},
    {"FPDFPath_GetPathSegment", (void **)&GetPiece},
    {"FPDFPathSegment_GetPoint", (void **)&GetPiecePoint},
    {"FPDFPathSegment_GetType", (void **)&GetPieceType},
    {"FPDFPathSegment_GetClose", (void **)&GetPieceClose},
};
#define FUNCTION_COUNT (sizeof functions / sizeof functions[0])

/* bind(addresses, generated): a dict from each function's name to its address in the loaded PDFium, and the
 * codes of the chars PDFium may generate, a tuple of ints (all or nothing taken). */
static PyObject *bind(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *addresses, *generated;
    void *pointers[FUNCTION_COUNT];
    unsigned int codes[MAX_GENERATED];
    if (!PyArg_ParseTuple(args, "O!O!", &PyDict_Type, &addresses, &PyTuple_Type, &generated))
        return NULL;
    Py_ssize_t code_count = PyTuple_GET_SIZE(generated);
    if (code_count > MAX_GENERATED) {
        PyErr_SetString(PyExc_ValueError, "bind(): more than 8 generated codes");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < code_count; i++) {
        codes[i] = (unsigned int)PyLong_AsUnsignedLong(PyTuple_GET_ITEM(generated, i));
        if (PyErr_Occurred())
            return NULL;
    }
    for (size_t i = 0; i < FUNCTION_COUNT; i++) {
        PyObject *address = PyDict_GetItemString(addresses, functions[i].name);
        if (address == NULL) {
            PyErr_Format(PyExc_KeyError, "bind(): no address for %s", functions[i].name);
            return NULL;
        }
        pointers[i] = PyLong_AsVoidPtr(address);
        if (pointers[i] == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "bind(): a null address for %s", functions[i].name);
            return NULL;
        }
    }
    for (size_t i = 0; i < FUNCTION_COUNT; i++)
        *functions[i].slot = pointers[i];
    memcpy(generated_codes, codes, sizeof(unsigned int) * (size_t)code_count);
    generated_count = (size_t)code_count;
    bound = 1;
    Py_RETURN_NONE;
}

static void *handle_argument(PyObject *argument) {
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "_pdfium_bulk: bind() first");
        return NULL;
    }
    void *handle = PyLong_AsVoidPtr(argument);
    if (handle == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "_pdfium_bulk: a null handle");
    return handle;
}

/* A bytes object of size bytes, zero-filled (a failed PDFium call leaves its zeros, as in pdf.py). */
static PyObject *zeroed_bytes(Py_ssize_t size, char **data) {
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, size);
    if (bytes != NULL) {
        *data = PyBytes_AS_STRING(bytes);
        memset(*data, 0, (size_t)size);
    }
    return bytes;
}

/* chars(text_page) -> (indexes, codes, boxes, matrices, font_sizes), packed arrays of the chars kept:
 * every char but the spaces, line breaks and hyphens PDFium generated itself. indexes and codes are int32
 * and uint32 per char, boxes four float32 (left, top, right, bottom: the loose box), matrices six float32
 * and font_sizes one float64. */
static PyObject *chars(PyObject *Py_UNUSED(self), PyObject *argument) {
    void *text_page = handle_argument(argument);
    if (text_page == NULL)
        return NULL;
    int count = CountChars(text_page);
    if (count < 0)
        count = 0;
    int32_t *indexes = PyMem_Malloc(sizeof(int32_t) * (size_t)(count ? count : 1));
    uint32_t *codes = PyMem_Malloc(sizeof(uint32_t) * (size_t)(count ? count : 1));
    if (indexes == NULL || codes == NULL) {
        PyMem_Free(indexes);
        PyMem_Free(codes);
        return PyErr_NoMemory();
    }
    int kept = 0;
    for (int index = 0; index < count; index++) {
        unsigned int code = GetUnicode(text_page, index);
        int maybe_generated = 0;
        for (size_t i = 0; i < generated_count && !maybe_generated; i++)
            maybe_generated = code == generated_codes[i];
        if (maybe_generated && IsGenerated(text_page, index))
            continue;
        indexes[kept] = index;
        codes[kept] = code;
        kept++;
    }
    char *box_data, *matrix_data, *size_data;
    PyObject *boxes = zeroed_bytes((Py_ssize_t)sizeof(Rect) * kept, &box_data);
    PyObject *matrices = zeroed_bytes((Py_ssize_t)sizeof(Matrix) * kept, &matrix_data);
    PyObject *sizes = zeroed_bytes((Py_ssize_t)sizeof(double) * kept, &size_data);
    PyObject *result = NULL;
    if (boxes != NULL && matrices != NULL && sizes != NULL) {
        Rect *box = (Rect *)box_data;
        Matrix *matrix = (Matrix *)matrix_data;
        double *size = (double *)size_data;
        for (int slot = 0; slot < kept; slot++) {
            GetLooseCharBox(text_page, indexes[slot], &box[slot]);
            GetCharMatrix(text_page, indexes[slot], &matrix[slot]);
            size[slot] = GetFontSize(text_page, indexes[slot]);
        }
        result = Py_BuildValue("(y#y#NNN)", (char *)indexes, (Py_ssize_t)sizeof(int32_t) * kept,
                               (char *)codes, (Py_ssize_t)sizeof(uint32_t) * kept, boxes, matrices, sizes);
        boxes = matrices = sizes = NULL; /* the tuple holds them now (or they were released with it) */
    }
    Py_XDECREF(boxes);
    Py_XDECREF(matrices);
    Py_XDECREF(sizes);
    PyMem_Free(indexes);
    PyMem_Free(codes);
    return result;
}

/* objects(page) -> (handles, types): the page's top-level objects, as pointer-sized ints and int32. */
static PyObject *objects(PyObject *Py_UNUSED(self), PyObject *argument) {
    void *page = handle_argument(argument);
    if (page == NULL)
        return NULL;
    int count = CountObjects(page);
    if (count < 0)
        count = 0;
    char *handle_data, *type_data;
    PyObject *handles = zeroed_bytes((Py_ssize_t)sizeof(uintptr_t) * count, &handle_data);
    PyObject *types = zeroed_bytes((Py_ssize_t)sizeof(int32_t) * count, &type_data);
    if (handles == NULL || types == NULL) {
        Py_XDECREF(handles);
        Py_XDECREF(types);
        return NULL;
    }
    uintptr_t *handle = (uintptr_t *)handle_data;
    int32_t *type = (int32_t *)type_data;
    for (int index = 0; index < count; index++) {
        void *object = GetObject(page, index);
        handle[index] = (uintptr_t)object;
        type[index] = object ? GetObjectType(object) : 0;
    }
    return Py_BuildValue("(NN)", handles, types);
}

/* pieces(paths) -> (counts, matrices, points, types, closes) for path objects given as packed pointer-sized
 * ints: per path its piece count (int32) and matrix (six float32), per piece its point (two float32), type
 * and close flag (int32 each). */
static PyObject *pieces(PyObject *Py_UNUSED(self), PyObject *argument) {
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "_pdfium_bulk: bind() first");
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(argument, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    Py_ssize_t path_count = view.len / (Py_ssize_t)sizeof(uintptr_t);
    const uintptr_t *paths = (const uintptr_t *)view.buf;
    char *count_data, *matrix_data;
    PyObject *counts = zeroed_bytes((Py_ssize_t)sizeof(int32_t) * path_count, &count_data);
    PyObject *matrices = zeroed_bytes((Py_ssize_t)sizeof(Matrix) * path_count, &matrix_data);
    PyObject *points = NULL, *types = NULL, *closes = NULL, *result = NULL;
    if (counts == NULL || matrices == NULL)
        goto done;
    int32_t *count = (int32_t *)count_data;
    Py_ssize_t total = 0;
    for (Py_ssize_t p = 0; p < path_count; p++) {
        void *path = (void *)paths[p];
        int n = CountPieces(path);
        count[p] = n > 0 ? n : 0;
        total += count[p];
        GetObjectMatrix(path, &((Matrix *)matrix_data)[p]);
    }
    char *point_data, *type_data, *close_data;
    points = zeroed_bytes((Py_ssize_t)sizeof(float) * 2 * total, &point_data);
    types = zeroed_bytes((Py_ssize_t)sizeof(int32_t) * total, &type_data);
    closes = zeroed_bytes((Py_ssize_t)sizeof(int32_t) * total, &close_data);
    if (points == NULL || types == NULL || closes == NULL)
        goto done;
    float *point = (float *)point_data;
    int32_t *type = (int32_t *)type_data, *close = (int32_t *)close_data;
    Py_ssize_t at = 0;
    for (Py_ssize_t p = 0; p < path_count; p++) {
        void *path = (void *)paths[p];
        for (int index = 0; index < count[p]; index++, at++) {
            void *piece = GetPiece(path, index);
            if (piece == NULL) {
                type[at] = -1; /* FPDF_SEGMENT_UNKNOWN, what PDFium answers for no piece */
                continue;
            }
            GetPiecePoint(piece, &point[2 * at], &point[2 * at + 1]);
            type[at] = GetPieceType(piece);
            close[at] = GetPieceClose(piece);
        }
    }
    result = Py_BuildValue("(NNNNN)", counts, matrices, points, types, closes);
    counts = matrices = points = types = closes = NULL;
done:
    Py_XDECREF(counts);
    Py_XDECREF(matrices);
    Py_XDECREF(points);
    Py_XDECREF(types);
    Py_XDECREF(closes);
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "Take PDFium's function addresses (a dict from name to address) and the codes "
                                 "of the chars PDFium may generate (a tuple of ints)."},
    {"chars", chars, METH_O, "The kept chars of a text page: (indexes, codes, boxes, matrices, font_sizes)."},
    {"objects", objects, METH_O, "A page's top-level objects: (handles, types)."},
    {"pieces", pieces, METH_O, "Path objects' pieces: (counts, matrices, points, types, closes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_bulk", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__pdfium_bulk(void) {
    PyObject *self = PyModule_Create(&module);
    PyObject *names = PyTuple_New((Py_ssize_t)FUNCTION_COUNT);
    if (self == NULL || names == NULL)
        goto fail;
    for (size_t i = 0; i < FUNCTION_COUNT; i++) {
        PyObject *name = PyUnicode_FromString(functions[i].name);
        if (name == NULL)
            goto fail;
        PyTuple_SET_ITEM(names, (Py_ssize_t)i, name);
    }
    /* FUNCTIONS: the names bind() needs addresses for */
    if (PyModule_AddObject(self, "FUNCTIONS", names) < 0)
        goto fail;
    names = NULL; /* the module holds it now */
    if (PyModule_AddStringConstant(self, "SOURCE_SHA256", SOURCE_SHA256) < 0)
        goto fail;
    return self;
fail:
    Py_XDECREF(names);
    Py_XDECREF(self);
    return NULL;
}
