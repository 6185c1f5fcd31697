/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-cli-render"

#include "config.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include "icto-test-util.h"
#include "signal/icto-edf-writer.h"

#define RATE 200
#define SECONDS 12

static const char *
test_edf (void)
{
  static char *path = NULL;
  const char *labels[] = { "LA1", "LA2", "LA3", "RH1", "RH2" };
  IctoEdfWriterSignal sig[5];
  IctoEdfWriterOptions opt = { 0 };
  g_autoptr(GDateTime) start = g_date_time_new_utc (2023, 5, 17, 14, 2, 3);
  g_autoptr(GError) error = NULL;
  float buf[5][RATE];
  const float *rows[5];
  IctoEdfWriter *w;

  if (path != NULL)
    return path;
  path = g_build_filename (icto_test_tmpdir (), "render.edf", NULL);
  for (guint s = 0; s < 5; s++)
    {
      sig[s] = (IctoEdfWriterSignal) { labels[s], NULL, "uV", NULL, -1000, 1000, RATE };
      rows[s] = buf[s];
    }
  opt.start_time = start;
  opt.record_duration = ICTO_TICKS_PER_SECOND;
  w = icto_edf_writer_new (path, &opt, sig, 5, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < SECONDS; r++)
    {
      for (guint s = 0; s < 5; s++)
        for (guint i = 0; i < RATE; i++)
          buf[s][i] = (float) ((s + 1) * 60 * sin (2 * G_PI * 2 * (r + (double) i / RATE)));
      g_assert_true (icto_edf_writer_write_record (w, rows, &error));
    }
  g_assert_true (icto_edf_writer_add_annotation (w, 3 * ICTO_TICKS_PER_SECOND, -1, "spike", &error));
  g_assert_true (icto_edf_writer_close (w, &error));
  g_assert_no_error (error);
  return path;
}

static int
run_cli (char **out_stderr,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("ICTO_CLI");
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;
  const char *a;

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (char *) cli);
  g_ptr_array_add (args, (char *) "render");
  va_start (ap, out_stderr);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (out_stderr != NULL)
    *out_stderr = g_steal_pointer (&err);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_png (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "page.png", NULL);
  cairo_surface_t *s;
  guint8 *data;
  int stride;
  int dark = 0;
  int label_ink = 0;

  g_assert_cmpint (run_cli (NULL, test_edf (), "--start", "2", "--duration", "5", "--montage", "bipolar",
                            "--width", "900", "--height", "500", "--out", out, NULL), ==, 0);
  s = cairo_image_surface_create_from_png (out);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 900);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 500);
  data = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
  for (int y = 30; y < 470; y++)
    for (int x = 0; x < 900; x++)
      {
        guint32 p = ((guint32 *) (void *) (data + (gsize) y * stride))[x];
        int sum = ((p >> 16) & 0xff) + ((p >> 8) & 0xff) + (p & 0xff);
        if (x > 100 && sum < 200)
          dark++;
        else if (x < 96 && sum < 500)
          label_ink++;   /* labels are in shaft colours */
      }
  /* 3 bipolar traces over ~800 px: thousands of dark pixels; labels drawn */
  g_assert_cmpint (dark, >, 2000);
  g_assert_cmpint (label_ink, >, 20);
  cairo_surface_destroy (s);
}

static void
test_vector (gconstpointer data)
{
  const char *ext = data;
  g_autofree char *name = g_strconcat ("page.", ext, NULL);
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), name, NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_cmpint (run_cli (NULL, test_edf (), "--start", "14:02:05", "--filter", "review,notch50",
                            "--width", "800", "--height", "600", "--out", out, NULL), ==, 0);
  g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 10000);
  if (g_str_equal (ext, "pdf"))
    {
      g_assert_true (g_str_has_prefix (contents, "%PDF"));
      g_assert_nonnull (memmem (contents, len, "/MediaBox [ 0 0 800 600 ]", strlen ("/MediaBox [ 0 0 800 600 ]")));
    }
  else
    {
      g_assert_nonnull (strstr (contents, "<svg"));
      g_assert_nonnull (strstr (contents, "width=\"800pt\""));
      g_assert_nonnull (strstr (contents, "height=\"600pt\""));
      /* traces are paths */
      g_assert_nonnull (strstr (contents, "<path"));
    }
}

static void
test_errors (void)
{
  g_autofree char *out = g_build_filename (icto_test_tmpdir (), "bad.png", NULL);
  g_autofree char *not_edf = g_build_filename (icto_test_tmpdir (), "not.edf", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (NULL, test_edf (), NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, test_edf (), "--out", "page.jpg", NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, test_edf (), "--montage", "nonsense", "--out", out, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, test_edf (), "--filter", "bandstop", "--out", out, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, test_edf (), "--duration", "100", "--out", out, NULL), ==, 2);
  g_assert_cmpint (run_cli (NULL, test_edf (), "--start", "99", "--out", out, NULL), ==, 1);
  g_assert_true (g_file_set_contents (not_edf, "this is not a recording", -1, NULL));
  g_assert_cmpint (run_cli (&err, not_edf, "--out", out, NULL), ==, 1);
  /* one line saying why */
  g_assert_true (g_str_has_prefix (err, "ictoscope-cli: "));
  g_assert_cmpint (strchr (err, '\n') - err, ==, (int) strlen (err) - 1);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/render/png", test_png);
  g_test_add_data_func ("/cli/render/pdf", "pdf", test_vector);
  g_test_add_data_func ("/cli/render/svg", "svg", test_vector);
  g_test_add_func ("/cli/render/errors", test_errors);

  return g_test_run ();
}
