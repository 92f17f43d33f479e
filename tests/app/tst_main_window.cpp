// The main window opens offscreen, switches pages, shows the compute device, opens its dialogs,
// and renders to a non-blank image (saved as a PNG for people to look at).
#include "dialogs/about_dialog.h"
#include "dialogs/settings_dialog.h"
#include "widgets/piano_roll_widget.h"
#include "main_window.h"
#include "settings/app_settings.h"
#include "worker/engine_controller.h"

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScrollBar>
#include <QSlider>
#include <QTabBar>
#include <QFile>
#include <QIcon>
#include <QLabel>
#include <QListWidget>
#include <QSet>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using pm::app::MainWindow;

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void init() {
        m_dir = std::make_unique<QTemporaryDir>();
        m_settings = std::make_unique<pm::app::AppSettings>(m_dir->filePath(QStringLiteral("s.ini")));
        m_engine = std::make_unique<pm::app::EngineController>();
        m_window = std::make_unique<MainWindow>(m_engine.get(), m_settings.get());
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup() {
        m_window.reset();
        m_engine.reset();
        m_settings.reset();
    }

    void iconsAreCompiledIn() {
        for (const char* icon : {":/icons/pianomuse.svg", ":/icons/dataset.svg", ":/icons/train.svg", ":/icons/generate.svg", ":/icons/jam.svg",
                                 ":/icons/report.svg"}) {
            QVERIFY2(QFile::exists(QLatin1String(icon)), icon);
            QVERIFY2(!QIcon(QLatin1String(icon)).pixmap(32, 32).isNull(), icon);
        }
        QVERIFY(!m_window->windowIcon().isNull());
    }

    void hasFivePagesAndSwitches() {
        auto* sidebar = m_window->findChild<QListWidget*>(QStringLiteral("sidebar"));
        QVERIFY(sidebar);
        QCOMPARE(sidebar->count(), 5);
        QCOMPARE(m_window->currentPage(), MainWindow::DatasetPageIndex);
        QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("datasetPage"))->isVisible());

        // Switching by clicking the sidebar, as a user does.
        const QRect trainRect = sidebar->visualItemRect(sidebar->item(1));
        QTest::mouseClick(sidebar->viewport(), Qt::LeftButton, {}, trainRect.center());
        QCOMPARE(m_window->currentPage(), MainWindow::TrainPageIndex);
        QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("trainPage"))->isVisible());
        QVERIFY(!m_window->findChild<QWidget*>(QStringLiteral("datasetPage"))->isVisible());

        m_window->showPage(MainWindow::GeneratePageIndex);
        QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("generatePage"))->isVisible());
        QCOMPARE(sidebar->currentRow(), 2);

        m_window->showPage(MainWindow::JamPageIndex);
        QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("jamPage"))->isVisible());
        QVERIFY(!m_window->findChild<QWidget*>(QStringLiteral("generatePage"))->isVisible());
        QCOMPARE(sidebar->currentRow(), 3);

        m_window->showPage(MainWindow::ReportPageIndex);
        QVERIFY(m_window->findChild<QWidget*>(QStringLiteral("reportPage"))->isVisible());
        QCOMPARE(sidebar->currentRow(), 4);
    }

    void statusBarShowsTheComputeDevice() {
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->systemInfo().devices.empty(), 10000);
        const QString text = m_window->deviceText();
        QVERIFY2(text.contains(QStringLiteral("CPU")) || text.contains(QStringLiteral("CUDA"))
                     || text.contains(QStringLiteral("NVIDIA")),
                 qPrintable(text));
        auto* blas = m_window->findChild<QLabel*>(QStringLiteral("blasLabel"));
        QVERIFY(blas && !blas->text().isEmpty());
    }

    void aboutListsThirdPartyLicences() {
        const auto components = pm::app::AboutDialog::thirdPartyComponents();
        QStringList names;
        for (const auto& c : components) {
            names << c.name;
            QVERIFY2(!c.licence.isEmpty(), qPrintable(c.name));
        }
        for (const char* needed : {"Qt", "LibTorch", "RtMidi", "QCustomPlot", "FluidSynth", "CLI11"})
            QVERIFY2(names.join(QLatin1Char(' ')).contains(QLatin1String(needed)), needed);

        // Open the dialog from the menu action and close it again.
        QTimer::singleShot(200, [] {
            for (QWidget* w : QApplication::topLevelWidgets())
                if (w->objectName() == QLatin1String("aboutDialog")) {
                    auto* table = w->findChild<QTableWidget*>(QStringLiteral("thirdPartyTable"));
                    if (table && table->rowCount() > 5) static_cast<QDialog*>(w)->accept();
                }
        });
        m_window->findChild<QAction*>(QStringLiteral("actionAbout"))->trigger();
    }

    void settingsDialogOpensFromTheMenu() {
        bool seen = false;
        QTimer::singleShot(200, [&seen] {
            for (QWidget* w : QApplication::topLevelWidgets())
                if (w->objectName() == QLatin1String("settingsDialog")) {
                    seen = true;
                    static_cast<QDialog*>(w)->reject();
                }
        });
        m_window->findChild<QAction*>(QStringLiteral("actionSettings"))->trigger();
        QVERIFY(seen);
    }

    void screenshotIsNotBlank() {
        m_window->resize(1000, 650);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->systemInfo().devices.empty(), 10000);
        QApplication::processEvents();
        const QImage image = m_window->grab().toImage();
        QVERIFY(!image.isNull());
        QDir().mkpath(QStringLiteral(PIANOMUSE_ARTIFACT_DIR));
        const QString path = QStringLiteral(PIANOMUSE_ARTIFACT_DIR "/main_window.png");
        QVERIFY(image.save(path));
        // A blank or single-colour window would have a handful of colours; text, icons and
        // frames give many. Also the icon's dark-blue must appear somewhere (resources load).
        QSet<QRgb> colours;
        int dark = 0;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2) {
                const QRgb c = image.pixel(x, y);
                colours.insert(c);
                dark += qGray(c) < 80;
            }
        QVERIFY2(colours.size() > 20, qPrintable(QStringLiteral("only %1 colours").arg(colours.size())));
        QVERIFY2(dark > 200, qPrintable(QStringLiteral("only %1 dark pixels (no text?)").arg(dark)));
    }

    // Screen readers (and black-box GUI tests over the accessibility bus) find controls by name:
    // every control has one, and no two controls of a page share one.
    void everyControlHasAnAccessibleName() {
        QStringList problems;
        const auto pages = m_window->findChild<QStackedWidget*>();
        QVERIFY(pages);
        QList<QWidget*> scopes{m_window.get()};
        for (int i = 0; i < pages->count(); ++i) scopes << pages->widget(i);
        pm::app::SettingsDialog dialog(m_settings.get(), m_engine.get(), m_window->systemInfo(), nullptr);
        scopes << &dialog;
        for (QWidget* scope : scopes) {
            QHash<QString, int> seen;
            for (QWidget* w : scope->findChildren<QWidget*>()) {
                if (!isControl(w)) continue;
                // Controls of a page are checked with their page, not again with the window.
                if (scope == m_window.get() && pages->isAncestorOf(w)) continue;
                QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
                // A tab bar's accessible name is its current tab's text (Qt's QAccessibleTabBar),
                // empty before it has tabs: the widget's own name is what we give it.
                const QString name = qobject_cast<QTabBar*>(w) ? w->accessibleName().trimmed()
                                     : iface                   ? iface->text(QAccessible::Name).trimmed()
                                                               : QString();
                const QString who = QStringLiteral("%1 '%2' on %3").arg(QLatin1String(w->metaObject()->className()), w->objectName(), scope->objectName());
                if (name.isEmpty()) problems << who + QStringLiteral(": no accessible name");
                else if (++seen[name] == 2) problems << who + QStringLiteral(": name '%1' used twice").arg(name);
            }
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void closingSavesGeometry() {
        m_window->resize(777, 555);
        m_window->close();
        QVERIFY(!m_settings->windowGeometry().isEmpty());
    }

private:
    // What a user operates or reads as a unit; parts of composite widgets (a spin box's line edit,
    // a combo box's list, a table's header, scroll bars) are named by their owner.
    static bool isControl(QWidget* w) {
        if (w->objectName().startsWith(QLatin1String("qt_"))) return false;   // Qt's own helpers (menu bar extension)
        for (QWidget* p = w->parentWidget(); p; p = p->parentWidget())
            if (qobject_cast<QComboBox*>(p) || qobject_cast<QAbstractSpinBox*>(p) || qobject_cast<QTabBar*>(p) || qobject_cast<QLineEdit*>(p) ||
                qobject_cast<QAbstractItemView*>(p) || qobject_cast<QPlainTextEdit*>(p) || qobject_cast<QCustomPlot*>(p))
                return false;
        if (qobject_cast<QScrollBar*>(w) || qobject_cast<QHeaderView*>(w)) return false;
        return qobject_cast<QAbstractButton*>(w) || qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QComboBox*>(w) ||
               qobject_cast<QLineEdit*>(w) || qobject_cast<QAbstractItemView*>(w) || qobject_cast<QSlider*>(w) ||
               qobject_cast<QProgressBar*>(w) || qobject_cast<QPlainTextEdit*>(w) || qobject_cast<QTabBar*>(w) ||
               qobject_cast<QCustomPlot*>(w) || qobject_cast<pm::app::PianoRollWidget*>(w);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<pm::app::AppSettings> m_settings;
    std::unique_ptr<pm::app::EngineController> m_engine;
    std::unique_ptr<MainWindow> m_window;
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
