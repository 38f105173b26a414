# Debian packages by CPack (`cpack -G DEB` in a build tree): taskcore-server (the binary, its
# systemd unit and environment-file template) and libtaskcore-dev (static library, headers, CMake
# package). Install rules say which package a file belongs to with COMPONENT server|dev.

install(FILES ${PROJECT_SOURCE_DIR}/packaging/taskcore.service
    DESTINATION lib/systemd/system COMPONENT server)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/taskcore.env
              ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/docs/api.md
    DESTINATION ${CMAKE_INSTALL_DATADIR}/taskcore COMPONENT server)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME taskcore)
set(CPACK_PACKAGE_VENDOR taskcore)
set(CPACK_PACKAGE_CONTACT "taskcore maintainers <maintainers@taskcore.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # the binary only: CMake never strips static libraries
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL server dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME taskcore-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION web)
set(CPACK_COMPONENT_SERVER_DESCRIPTION "taskcore REST API server
 The task and chat-history HTTP API over SQLite or PostgreSQL, with a hardened systemd unit
 (taskcore.service) configured by /etc/taskcore/taskcore.env.")
# The runtime libraries come from dpkg-shlibdeps; adduser creates the service user.
set(CPACK_DEBIAN_SERVER_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libtaskcore-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DESCRIPTION "taskcore library (static) and headers
 libtaskcore: tasks, conversations and messages in user-scoped storage on SQLite or
 PostgreSQL, migrations, JWT verification and the use-case services, for
 find_package(taskcore) and taskcore::taskcore.")
# What taskcoreConfig.cmake finds, and what the static library needs at the consumer's link.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libboost-json1.81-dev, libssl-dev (>= 3.0), libsqlitecpp-dev, libsqlite3-dev, libpqxx-dev (>= 6.4), libpq-dev (>= 14), pkg-config, cmake (>= 3.25)")

include(CPack)
