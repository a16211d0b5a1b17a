<?xml version="1.0" encoding="utf-8"?>
<!-- toluu default theme: shows the site's Atom feeds and OPML blogrolls as readable pages when
     they are opened in a browser. Feed readers ignore it. -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes"
    doctype-system="about:legacy-compat"/>

  <xsl:template name="style">
    <meta name="viewport" content="width=device-width, initial-scale=1"/>
    <meta name="color-scheme" content="light dark"/>
    <style>
      :root { color-scheme: light dark; --fg: #1d1f23; --muted: #5a606a; --bg: #fbfaf8;
        --box: #e3edf8; --accent: #0a58a8; --border: #e2e0dc; }
      @media (prefers-color-scheme: dark) {
        :root { --fg: #e7e5e1; --muted: #a3a8b0; --bg: #15171a; --box: #1e3550;
          --accent: #86bfff; --border: #2e3238; }
      }
      body { margin: 0; background: var(--bg); color: var(--fg);
        font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
      main { max-width: 46rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
      a { color: var(--accent); }
      h1 { font-size: 1.85rem; line-height: 1.25; margin: .5rem 0; }
      .about { background: var(--box); border-radius: .5rem; padding: 1rem 1.2rem; margin: 1rem 0 2rem; }
      .about p { margin: .3rem 0; }
      code { font: .9rem ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
      ol { list-style: none; padding: 0; margin: 0; }
      li { padding: .9rem 0; border-bottom: 1px solid var(--border); }
      li:last-child { border-bottom: 0; }
      h2 { font-size: 1.12rem; margin: 0 0 .2rem; overflow-wrap: anywhere; }
      .meta { color: var(--muted); font-size: .9rem; margin: 0; overflow-wrap: anywhere; }
      .summary { margin: .3rem 0 0; }
    </style>
  </xsl:template>

  <!-- An Atom feed. -->
  <xsl:template match="/atom:feed">
    <html lang="{@xml:lang}">
      <head>
        <xsl:call-template name="style"/>
        <title><xsl:value-of select="atom:title"/> (Atom feed)</title>
      </head>
      <body>
        <main>
          <p class="meta">Atom feed</p>
          <h1><xsl:value-of select="atom:title"/></h1>
          <xsl:if test="atom:subtitle">
            <p><xsl:value-of select="atom:subtitle"/></p>
          </xsl:if>
          <div class="about">
            <p><strong>This is a web feed.</strong> Subscribe to it to get these posts in your
              feed reader as they are published: copy this address into your reader.</p>
            <p><code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></p>
            <p>
              <a href="{atom:link[@rel='alternate']/@href}">Read it as a web page instead</a>
            </p>
          </div>
          <ol>
            <xsl:for-each select="atom:entry">
              <li>
                <h2>
                  <xsl:choose>
                    <xsl:when test="atom:link[@rel='alternate']">
                      <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
                    </xsl:when>
                    <xsl:otherwise><xsl:value-of select="atom:title"/></xsl:otherwise>
                  </xsl:choose>
                </h2>
                <p class="meta">
                  <xsl:value-of select="atom:source/atom:title"/>
                  <xsl:text> · </xsl:text>
                  <xsl:value-of select="substring(atom:published | atom:updated[not(../atom:published)], 1, 10)"/>
                </p>
                <xsl:if test="atom:summary">
                  <p class="summary"><xsl:value-of select="atom:summary"/></p>
                </xsl:if>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>

  <!-- An OPML blogroll. -->
  <xsl:template match="/opml">
    <html>
      <head>
        <xsl:call-template name="style"/>
        <title><xsl:value-of select="head/title"/> (OPML blogroll)</title>
      </head>
      <body>
        <main>
          <p class="meta">OPML blogroll</p>
          <h1><xsl:value-of select="head/title"/></h1>
          <div class="about">
            <p><strong>This is a blogroll: a list of
              <xsl:value-of select="count(body//outline[@xmlUrl])"/> feeds.</strong>
              To follow them all, save this file (or copy this page's address) and import it
              into your feed reader: most readers have an "Import OPML" command.</p>
            <p>Or subscribe to one at a time by copying its feed address below.</p>
          </div>
          <ol>
            <xsl:for-each select="body//outline[@xmlUrl]">
              <li>
                <h2>
                  <xsl:choose>
                    <xsl:when test="@htmlUrl">
                      <a href="{@htmlUrl}"><xsl:value-of select="@text"/></a>
                    </xsl:when>
                    <xsl:otherwise><xsl:value-of select="@text"/></xsl:otherwise>
                  </xsl:choose>
                </h2>
                <p class="meta">Feed: <a href="{@xmlUrl}"><code><xsl:value-of select="@xmlUrl"/></code></a></p>
                <xsl:if test="@category">
                  <p class="meta">Tags: <xsl:value-of select="translate(@category, ',', ' ')"/></p>
                </xsl:if>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
