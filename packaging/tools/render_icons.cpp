// pianomuse_render_icons SVG OUTDIR SIZE...: renders the application icon into
// OUTDIR/<size>x<size>/apps/pianomuse.png (the hicolor theme layout) and, when OUTDIR ends in
// ".ico" instead, one multi-size Windows icon. Run at build time by cmake/PianoMusePackaging.cmake.
#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s ICON.svg OUTDIR|OUT.ico SIZE...\n", argv[0]);
        return 1;
    }
    QGuiApplication app(argc, argv);
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid()) {
        std::fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[2]);
    const bool ico = out.endsWith(QStringLiteral(".ico"));
    QList<QPair<int, QByteArray>> icoEntries;   // (size, PNG bytes)
    for (int i = 3; i < argc; ++i) {
        const int size = QString::fromLatin1(argv[i]).toInt();
        if (size <= 0 || size > 1024) {
            std::fprintf(stderr, "bad size %s\n", argv[i]);
            return 1;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        painter.end();
        if (ico) {
            QByteArray png;
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            image.save(&buffer, "PNG");
            icoEntries.append({size, png});
            continue;
        }
        const QString dir = QStringLiteral("%1/%2x%2/apps").arg(out).arg(size);
        const QString file = dir + QStringLiteral("/pianomuse.png");
        if (!QDir().mkpath(dir) || !image.save(file, "PNG")) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(file));
            return 2;
        }
    }
    if (ico) {
        // ICONDIR, one ICONDIRENTRY per size, then the PNG images (PNG entries: Windows Vista+).
        QByteArray bytes;
        auto u16 = [&bytes](int v) { bytes.append(char(v & 0xff)).append(char((v >> 8) & 0xff)); };
        auto u32 = [&](qint64 v) { u16(int(v & 0xffff)); u16(int((v >> 16) & 0xffff)); };
        u16(0), u16(1), u16(int(icoEntries.size()));
        qint64 offset = 6 + 16 * icoEntries.size();
        for (const auto& [size, png] : icoEntries) {
            bytes.append(char(size >= 256 ? 0 : size)).append(char(size >= 256 ? 0 : size));   // 0 = 256
            bytes.append(char(0)).append(char(0));   // no palette, reserved
            u16(1), u16(32), u32(png.size()), u32(offset);
            offset += png.size();
        }
        for (const auto& entry : icoEntries) bytes.append(entry.second);
        QFile file(out);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(out));
            return 2;
        }
    }
    return 0;
}
