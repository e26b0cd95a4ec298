# SPDX-License-Identifier: BSD-3-Clause
#
# Sphinx configuration of the guides. Built by "ninja -C build doc"
# (doc/guides/meson.build), which sets:
#   IOMMUFD_DOC_MESSAGES  messages.rst freshly generated from the libraries,
#                         read instead of the copy in this directory;
#   IOMMUFD_DOC_API       URL of the Doxygen API reference, relative to
#                         the HTML pages (default ../../api/html).

import os
import re

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.normpath(os.path.join(here, '..', '..'))


def project_version():
    try:
        with open(os.path.join(top, 'meson.build'), encoding='utf-8') as f:
            m = re.search(r"version:\s*'([^']+)'", f.read())
        return m.group(1) if m else ''
    except OSError:
        return ''


project = 'dpdk-iommufd'
copyright = '2026, The dpdk-iommufd authors'
author = 'The dpdk-iommufd authors'
version = release = project_version()

extensions = ['sphinx.ext.extlinks']
master_doc = 'index'
language = 'en'
exclude_patterns = ['_build']
pygments_style = 'sphinx'
highlight_language = 'none'

html_theme = 'classic'
html_title = 'dpdk-iommufd %s guides' % version
html_show_sourcelink = False
html_copy_source = False
html_show_sphinx = False
html_last_updated_fmt = None
html_theme_options = {'body_max_width': 'none', 'stickysidebar': True}

# :api:`rte_iommufd.h <rte__iommufd_8h.html>` links into the API reference.
api_url = os.environ.get('IOMMUFD_DOC_API', '../../api/html').rstrip('/')
extlinks = {'api': (api_url + '/%s', '%s')}

# The guides in reading order. Pages that do not exist are left out, and
# any other page of this directory is listed before the troubleshooting
# pages, so that pages added later need no change here.
GUIDES = [
    'getting_started',
    'real_hardware',
    'pasid_model',
    'pasid_allocator',
    'conventions',
    'dpdk_adapter',
    'robustness',
    'troubleshooting',
    'messages',
]


def guide_list():
    present = {f[:-4] for f in os.listdir(here) if f.endswith('.rst')} - {'index'}
    pages = [p for p in GUIDES if p in present]
    extra = sorted(present - set(GUIDES))
    if extra:
        at = pages.index('troubleshooting') if 'troubleshooting' in pages else len(pages)
        pages[at:at] = extra
    return pages


def source_read(app, docname, source):
    if docname == 'index':
        # Replace the entries of the toctree by the pages that exist.
        entries = ''.join('   %s\n' % p for p in guide_list())
        source[0] = re.sub(r'(?m)(^\.\. toctree::\n(?:   :.*\n)*\n)(?:   \S.*\n)+',
                           lambda m: m.group(1) + entries, source[0], count=1)
    elif docname == 'messages':
        fresh = os.environ.get('IOMMUFD_DOC_MESSAGES')
        if fresh and os.path.exists(fresh):
            with open(fresh, encoding='utf-8') as f:
                source[0] = f.read()
            app.env.note_dependency(fresh)


def env_get_outdated(app, env, added, changed, removed):
    # Read the index again when the set of pages changed.
    pages = guide_list()
    if getattr(env, 'iommufd_guides', None) != pages:
        env.iommufd_guides = pages
        return ['index']
    return []


def setup(app):
    app.connect('source-read', source_read)
    app.connect('env-get-outdated', env_get_outdated)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
