// Hash history: the same build works from the headless server and from Electron's file:// origin.
import { createRouter, createWebHashHistory, type Router } from 'vue-router';
import ChaincodeView from './views/ChaincodeView.vue';
import ChannelView from './views/ChannelView.vue';
import IdentitiesView from './views/IdentitiesView.vue';
import NodesView from './views/NodesView.vue';
import OverviewView from './views/OverviewView.vue';
import WizardView from './views/WizardView.vue';

export function createConsoleRouter(): Router {
  return createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'overview', component: OverviewView },
      { path: '/welcome', name: 'welcome', component: WizardView },
      { path: '/nodes/:nodeId?', name: 'nodes', component: NodesView },
      { path: '/identities', name: 'identities', component: IdentitiesView },
      { path: '/channel', name: 'channel', component: ChannelView },
      { path: '/chaincode', name: 'chaincode', component: ChaincodeView },
      { path: '/:unknown(.*)*', redirect: '/' },
    ],
  });
}
